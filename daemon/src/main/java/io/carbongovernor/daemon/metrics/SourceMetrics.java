package io.carbongovernor.daemon.metrics;

import io.carbongovernor.carbon.SourceHealth;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Each configured carbon source's health, read from the health trackers at scrape time (their
 * last answer; a scrape never calls a source). Labelled by source name, one per configured
 * source.
 */
final class SourceMetrics {

  private final Supplier<List<SourceHealth>> health;

  SourceMetrics(PrometheusRegistry registry, Supplier<List<SourceHealth>> health) {
    this.health = health;
    gauge(registry, "carbon_governor_source_up", null,
        "1 when the source's last call succeeded, else 0 (also 0 before its first call)",
        (h, cb) -> cb.call(h.healthy() ? 1 : 0, h.source()));
    gauge(registry, "carbon_governor_source_consecutive_failures", null,
        "Calls to the source that failed since its last success",
        (h, cb) -> cb.call(h.consecutiveFailures(), h.source()));
    gauge(registry, "carbon_governor_source_last_success_timestamp_seconds", Unit.SECONDS,
        "When a call to the source last succeeded, in seconds since the epoch (absent before one)",
        (h, cb) -> h.lastSuccess().ifPresent(t -> cb.call(t.toEpochMilli() / 1000.0, h.source())));
    gauge(registry, "carbon_governor_source_latency_seconds", Unit.SECONDS,
        "How long the source's last call took, success or not",
        (h, cb) -> h.lastLatency().ifPresent(d -> cb.call(d.toNanos() / 1e9, h.source())));
    CounterWithCallback.builder()
        .name("carbon_governor_source_calls_total")
        .help("Calls made to the source, successful or not")
        .labelNames("source")
        .callback(cb -> health.get().forEach(h -> cb.call(h.calls(), h.source())))
        .register(registry);
  }

  private interface Reading {
    void emit(SourceHealth health, GaugeWithCallback.Callback callback);
  }

  private void gauge(PrometheusRegistry registry, String name, Unit unit, String help, Reading reading) {
    var builder = GaugeWithCallback.builder().name(name).help(help).labelNames("source");
    if (unit != null) {
      builder.unit(unit);
    }
    Consumer<GaugeWithCallback.Callback> callback = cb -> health.get().forEach(h -> reading.emit(h, cb));
    builder.callback(callback).register(registry);
  }
}
