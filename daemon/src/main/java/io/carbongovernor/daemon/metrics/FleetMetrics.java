package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.fleet.FleetJob;
import io.carbongovernor.daemon.fleet.FleetOutcome;
import io.carbongovernor.daemon.fleet.FleetRunListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * The fleet jobs this node ran, by job and outcome, and whether its fleet scheduler is up. Each
 * job and outcome is exported from the start, at zero, so that {@code increase()} sees the first.
 */
public final class FleetMetrics implements FleetRunListener {

  private final Counter runs;
  private final Gauge up;

  private FleetMetrics(Counter runs, Gauge up) {
    this.runs = runs;
    this.up = up;
  }

  public static FleetMetrics register(PrometheusRegistry registry) {
    Counter runs = Counter.builder().withoutExemplars()
        .name("carbon_governor_fleet_job_runs_total")
        .help("Fleet-wide jobs this node ran (each fires once for the fleet, on one node), by job and outcome")
        .labelNames("job", "outcome")
        .register(registry);
    for (String job : List.of(FleetJob.ROLLUP, FleetJob.RETENTION, FleetJob.REPORT)) {
      for (FleetOutcome outcome : FleetOutcome.values()) {
        runs.labelValues(job, outcome.word());
      }
    }
    Gauge up = Gauge.builder().withoutExemplars()
        .name("carbon_governor_fleet_scheduler_up")
        .help("1 while this node's fleet scheduler runs (schema checked, jobs declared), 0 while it waits"
            + " for the database at start or after it stopped")
        .register(registry);
    return new FleetMetrics(runs, up);
  }

  @Override
  public void ran(String job, FleetOutcome outcome) {
    runs.labelValues(job, outcome.word()).inc();
  }

  @Override
  public void schedulerUp(boolean running) {
    up.set(running ? 1 : 0);
  }
}
