package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The energy one claim on one GPU used in one sample period, with its accounting.
 *
 * @param team the team, {@link #DEFAULT_POLICY} for work under the default policy, or {@link
 *     #IDLE} for a GPU without work
 * @param job the registered job's name, or empty
 * @param baseline the energy the same work would have taken at the original limit
 * @param intensity the slot's intensity; empty when no signal was known (emissions unknown)
 * @param busy the time this row covers
 * @param extra the time beyond what the same work takes at full speed
 * @param throttled the part of {@code busy} spent under a limit below the original
 * @param profileSource where the throughput and power model came from: measured, configured,
 *     default or none
 */
public record EnergyRecord(
    Instant start,
    Instant end,
    Gpu gpu,
    String team,
    String job,
    Energy energy,
    Energy baseline,
    Optional<CarbonIntensity> intensity,
    Power limit,
    Power originalLimit,
    Duration busy,
    Duration extra,
    Duration throttled,
    String profileSource) {

  public static final String DEFAULT_POLICY = "(default)";
  public static final String IDLE = "(idle)";

  public EnergyRecord {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(intensity, "intensity");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(busy, "busy");
    Objects.requireNonNull(extra, "extra");
    Objects.requireNonNull(throttled, "throttled");
    Objects.requireNonNull(profileSource, "profileSource");
  }

  /** Grams CO2e of the energy used; empty without an intensity. */
  public Optional<Double> emissionsGrams() {
    return intensity.map(i -> energy.kilowattHours() * i.gramsPerKwh());
  }

  /** Grams CO2e the same work would have emitted at the original limit. */
  public Optional<Double> baselineGrams() {
    return intensity.map(i -> baseline.kilowattHours() * i.gramsPerKwh());
  }
}
