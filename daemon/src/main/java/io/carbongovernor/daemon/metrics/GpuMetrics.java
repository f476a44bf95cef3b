package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControlState;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Each GPU: what the sampler read (power, the limit set, the limit enforced), the energy it
 * accounted, and from the safety layer's state (in memory, no GPU call at scrape) the original
 * limit the daemon returns to, and whether the GPU is held for an operator or in shadow mode.
 */
final class GpuMetrics {

  private final Gauge power;
  private final Gauge limit;
  private final Gauge enforced;
  private final Counter energy;
  private final GpuLabels labels;

  GpuMetrics(PrometheusRegistry registry, GuardedGpuControl gpus) {
    labels = GpuLabels.forVendor(gpus.vendor());
    power = gauge(registry, "carbon_governor_gpu_power", "Board power draw at the last sample, in watts");
    limit = gauge(registry, "carbon_governor_gpu_power_limit", "Power limit set on the GPU at the last sample, in watts");
    enforced =
        gauge(registry, "carbon_governor_gpu_enforced_power_limit",
            "Power limit the GPU enforced at the last sample (lower when another cap applies), in watts");
    energy =
        Counter.builder().withoutExemplars()
            .name("carbon_governor_gpu_energy_joules")
            .unit(Unit.JOULES)
            .help("Energy the GPU used, as measured and accounted by the daemon's sampler")
            .labelNames(labels.names())
            .register(registry);
    fromState(registry, gpus, "carbon_governor_gpu_original_power_limit",
        "Limit the GPU had before the daemon changed it, where stop and restore return it, in watts",
        Units.WATTS, s -> s.originalLimit().watts());
    fromState(registry, gpus, "carbon_governor_gpu_held_by_operator",
        "1 while the daemon leaves the GPU alone because someone else changed its limit, else 0",
        null, s -> s.heldByOperator() ? 1 : 0);
    fromState(registry, gpus, "carbon_governor_gpu_shadow",
        "1 while limits for the GPU are only decided and recorded, never set (shadow mode), else 0",
        null, s -> gpus.shadow() || s.shadowReason().isPresent() ? 1 : 0);
  }

  void sampled(Gpu gpu, GpuSample sample) {
    String[] values = labels.of(gpu);
    power.labelValues(values).set(sample.power().watts());
    limit.labelValues(values).set(sample.limit().watts());
    enforced.labelValues(values).set(sample.enforcedLimit().watts());
  }

  /** An unreadable GPU's last readings are stale: its series go until it answers again. */
  void unreadable(Gpu gpu) {
    String[] values = labels.of(gpu);
    power.remove(values);
    limit.remove(values);
    enforced.remove(values);
  }

  void accounted(List<EnergyRecord> records) {
    for (EnergyRecord r : records) {
      energy.labelValues(labels.of(r.gpu())).inc(r.energy().joules());
    }
  }

  private Gauge gauge(PrometheusRegistry registry, String name, String help) {
    return Gauge.builder().withoutExemplars().name(name).unit(Units.WATTS).help(help).labelNames(labels.names())
        .register(registry);
  }

  private void fromState(
      PrometheusRegistry registry,
      GuardedGpuControl gpus,
      String name,
      String help,
      Unit unit,
      ToDoubleFunction<GpuControlState> value) {
    var builder = GaugeWithCallback.builder().name(name).help(help).labelNames(labels.names());
    if (unit != null) {
      builder.unit(unit);
    }
    builder
        .callback(
            cb -> {
              Map<String, GpuControlState> states = gpus.states();
              for (Gpu gpu : gpus.gpus()) {
                GpuControlState s = states.get(gpu.uuid());
                if (s != null) {
                  cb.call(value.applyAsDouble(s), labels.of(gpu));
                }
              }
            })
        .register(registry);
  }
}
