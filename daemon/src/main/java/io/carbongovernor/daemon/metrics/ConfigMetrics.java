package io.carbongovernor.daemon.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Configuration reloads (SIGHUP, {@code systemctl reload}): applied or rejected. */
final class ConfigMetrics {

  private final Counter reloads;
  private final Gauge lastSuccessful;

  ConfigMetrics(PrometheusRegistry registry) {
    reloads =
        Counter.builder().withoutExemplars()
            .name("carbon_governor_config_reloads_total")
            .help("Configuration reloads, by result: applied, or rejected (the configuration in force stays)")
            .labelNames("result")
            .register(registry);
    lastSuccessful =
        Gauge.builder().withoutExemplars()
            .name("carbon_governor_config_last_reload_successful")
            .help("1 when the last reload was applied (or none was asked for), 0 when it was rejected")
            .register(registry);
    reloads.labelValues("applied");
    reloads.labelValues("rejected");
    lastSuccessful.set(1);
  }

  void reloaded(boolean applied) {
    reloads.labelValues(applied ? "applied" : "rejected").inc();
    lastSuccessful.set(applied ? 1 : 0);
  }
}
