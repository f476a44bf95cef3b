package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.gpu.LimitOutcome;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The control loop: how long ticks take, how many failed, and what was decided per GPU by outcome
 * and policy kind. Reasons are free text and stay in the log and the history, not in labels.
 */
final class TickMetrics {

  /** From a trace tick (sub-millisecond) to one that spends a 2 s fetch budget and more. */
  private static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final Histogram duration;
  private final Counter ticks;
  private final Counter decisions;
  private final AtomicReference<Instant> lastTick = new AtomicReference<>();

  TickMetrics(PrometheusRegistry registry) {
    duration =
        Histogram.builder().withoutExemplars()
            .name("carbon_governor_tick_duration_seconds")
            .unit(Unit.SECONDS)
            .help("Wall-clock time of one control tick: read the signal, decide, apply, record")
            .classicOnly()
            .classicUpperBounds(BUCKETS)
            .register(registry);
    ticks =
        Counter.builder().withoutExemplars()
            .name("carbon_governor_ticks_total")
            .help("Control ticks run, by result (completed or failed)")
            .labelNames("result")
            .register(registry);
    decisions =
        Counter.builder().withoutExemplars()
            .name("carbon_governor_decisions_total")
            .help("Per-GPU decisions, by outcome (applied, unchanged, held-by-operator, shadow, failed) and policy kind")
            .labelNames("outcome", "policy")
            .register(registry);
    GaugeWithCallback.builder()
        .name("carbon_governor_last_tick_timestamp_seconds")
        .unit(Unit.SECONDS)
        .help("When the last completed tick ran, in seconds since the epoch (absent before the first)")
        .callback(
            cb -> {
              Instant at = lastTick.get();
              if (at != null) {
                cb.call(at.toEpochMilli() / 1000.0);
              }
            })
        .register(registry);
    // Both results from the start, so rate() sees the first failure.
    ticks.labelValues("completed");
    ticks.labelValues("failed");
  }

  void completed(TickReport report, Duration took) {
    duration.observe(seconds(took));
    ticks.labelValues("completed").inc();
    for (TickReport.GpuReport g : report.gpus()) {
      decisions.labelValues(outcome(g.outcome()), g.policy()).inc();
    }
    lastTick.set(report.at());
  }

  void failed(Duration took) {
    duration.observe(seconds(took));
    ticks.labelValues("failed").inc();
  }

  /** {@code HELD_BY_OPERATOR} as the history writes it: {@code held-by-operator}. */
  static String outcome(LimitOutcome.Status status) {
    return status.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }
}
