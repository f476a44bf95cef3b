package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.history.SpoolStatus;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A fleet node's spool and its sending to the fleet database, read from memory at scrape time.
 * Registered only for a fleet history.
 */
public final class SpoolMetrics {

  private SpoolMetrics() {}

  /**
   * @param status the spool's state now
   * @param since when the store was opened: the age of the last send before there was one
   */
  public static void register(PrometheusRegistry registry, Supplier<SpoolStatus> status, Clock clock, Instant since) {
    GaugeWithCallback.builder()
        .name("carbon_governor_spool_unsent_samples")
        .help("Raw samples in the local spool that the fleet database has not acknowledged")
        .callback(cb -> cb.call(status.get().unsentSamples()))
        .register(registry);
    CounterWithCallback.builder()
        .name("carbon_governor_spool_dropped_samples_total")
        .help("Raw samples dropped unsent, oldest first, the spool being full; their minute and hour sums were kept")
        .callback(cb -> cb.call(status.get().droppedSamples()))
        .register(registry);
    CounterWithCallback.builder()
        .name("carbon_governor_fleet_rows_sent_total")
        .help("Rows the fleet database acknowledged, every table together")
        .callback(cb -> cb.call(status.get().rowsSent()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("carbon_governor_fleet_last_send_age_seconds")
        .help("Seconds since the fleet database last acknowledged a shipping round (since the start if never)")
        .unit(Unit.SECONDS)
        .callback(cb -> cb.call(
            Duration.between(status.get().lastSent().orElse(since), clock.instant()).toMillis() / 1000.0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("carbon_governor_fleet_database_up")
        .help("Whether the last attempt reached the fleet database (1) or not (0)")
        .callback(cb -> cb.call(status.get().reachable() ? 1 : 0))
        .register(registry);
    GaugeWithCallback.builder()
        .name("carbon_governor_fleet_node_id_refused")
        .help("1 while the fleet database refuses this node's id, another machine holding it; nothing is sent then")
        .callback(cb -> cb.call(status.get().refused() ? 1 : 0))
        .register(registry);
  }
}
