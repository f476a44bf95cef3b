package io.carbongovernor.daemon.metrics;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/** The history store's failed writes (a full disk, a locked database), counted by the store. */
final class HistoryMetrics {

  private HistoryMetrics() {}

  static void register(PrometheusRegistry registry, LongSupplier failedWrites) {
    CounterWithCallback.builder()
        .name("carbon_governor_history_write_failures_total")
        .help("Writes to the history database that failed since the daemon started; control went on")
        .callback(cb -> cb.call(failedWrites.getAsLong()))
        .register(registry);
  }
}
