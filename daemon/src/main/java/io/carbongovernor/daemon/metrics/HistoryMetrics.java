package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.history.HistoryHealth;
import io.carbongovernor.daemon.history.HistoryProblem;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The history store's troubles by cause, read from its in-memory counts at scrape time. Every
 * cause is exported from the start, at zero, so that {@code increase()} sees the first one.
 */
final class HistoryMetrics {

  private HistoryMetrics() {}

  static void register(PrometheusRegistry registry, Supplier<HistoryHealth> history) {
    counter(registry, "carbon_governor_history_write_failures_total",
        "Writes to the history database that failed (their rows lost), by cause; control went on",
        history, HistoryHealth::writeFailures);
    counter(registry, "carbon_governor_history_problems_total",
        "Problems with the history database, each logged once: a new cause of failure, or the database found"
            + " deleted, replaced or damaged and a new one started",
        history, HistoryHealth::problems);
  }

  private static void counter(PrometheusRegistry registry, String name, String help, Supplier<HistoryHealth> history,
      Function<HistoryHealth, Map<HistoryProblem, Long>> counts) {
    CounterWithCallback.builder()
        .name(name)
        .help(help)
        .labelNames("cause")
        .callback(cb -> counts.apply(history.get()).forEach((cause, n) -> cb.call(n, cause.label())))
        .register(registry);
  }
}
