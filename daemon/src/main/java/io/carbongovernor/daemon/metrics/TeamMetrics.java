package io.carbongovernor.daemon.metrics;

import io.carbongovernor.daemon.history.EnergyRecord;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;

/**
 * Each team's share of the accounted energy: joules, grams CO2e emitted, grams the same work
 * would have emitted at the GPUs' original limits, and time paid. The label is the team's name,
 * {@code (default)} for work under the default policy or {@code (idle)}: bounded by the config,
 * never a job or a user.
 *
 * <p>Avoided emissions are {@code baseline - emissions}. They are not a counter of their own: a
 * period can cost more than its baseline (a limit below the GPU's most efficient one), and a
 * counter cannot go down.
 */
final class TeamMetrics {

  private final Counter energy;
  private final Counter emissions;
  private final Counter baseline;
  private final Counter extraTime;

  TeamMetrics(PrometheusRegistry registry) {
    energy = counter(registry, "carbon_governor_team_energy_joules", Unit.JOULES,
        "Energy used by the team's work on GPUs, split equally among the claims on each GPU");
    emissions = counter(registry, "carbon_governor_team_emissions_grams", Unit.GRAMS,
        "Grams CO2e emitted by the team's GPU energy, at the intensity the daemon decided on");
    baseline = counter(registry, "carbon_governor_team_baseline_emissions_grams", Unit.GRAMS,
        "Grams CO2e the same work would have emitted at the GPUs' original limits; "
            + "avoided = baseline - emissions");
    extraTime = counter(registry, "carbon_governor_team_extra_time_seconds", Unit.SECONDS,
        "Time the team's work took beyond what it takes at the original limits");
  }

  void accounted(List<EnergyRecord> records) {
    for (EnergyRecord r : records) {
      String team = r.team();
      energy.labelValues(team).inc(r.energy().joules());
      extraTime.labelValues(team).inc(r.extra().toNanos() / 1e9);
      // Without an intensity the emissions are unknown: neither counter moves.
      r.emissionsGrams().ifPresent(g -> emissions.labelValues(team).inc(g));
      r.baselineGrams().ifPresent(g -> baseline.labelValues(team).inc(g));
    }
  }

  private static Counter counter(PrometheusRegistry registry, String name, Unit unit, String help) {
    return Counter.builder().withoutExemplars().name(name).unit(unit).help(help).labelNames("team")
        .register(registry);
  }
}
