package io.carbongovernor.daemon.metrics;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.control.TickReport;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The grid as the last tick saw it: the intensity it decided on, by zone, source and kind, and
 * whether the fail-safe applied. Kept as the tick's snapshot, so a scrape reads one consistent
 * tick and a source that stopped answering leaves no stale series.
 */
final class GridMetrics {

  private final AtomicReference<Optional<TickReport>> last = new AtomicReference<>(Optional.empty());

  GridMetrics(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("carbon_governor_grid_intensity_grams_per_kwh")
        .unit(Units.GRAMS_PER_KWH)
        .help("Carbon intensity of the grid the last tick decided on, in gCO2e per kWh")
        .labelNames("zone", "source", "kind")
        .callback(
            cb ->
                last.get()
                    .flatMap(TickReport::signal)
                    .ifPresent(s -> cb.call(s.intensity().gramsPerKwh(), labels(s))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("carbon_governor_fail_safe_engaged")
        .help("1 while the last tick had no fresh signal and ran the fail-safe policy, else 0")
        .callback(cb -> last.get().ifPresent(t -> cb.call(t.failSafe().isPresent() ? 1 : 0)))
        .register(registry);
  }

  void completed(TickReport report) {
    last.set(Optional.of(report));
  }

  private static String[] labels(CarbonSignal s) {
    return new String[] {s.zone(), s.source(), s.kind().word()};
  }
}
