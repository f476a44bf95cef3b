package io.carbongovernor.daemon.history;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.policy.batch.Emissions;
import java.time.Duration;
import java.util.Objects;

/**
 * Sums over a set of energy rollup rows, as a backend reads them.
 *
 * @param samples sample periods added into the rows
 * @param energy energy measured
 * @param baseline the same work at the original limits
 * @param emissions emitted by the energy with a known intensity
 * @param baselineEmissions what the same work would have emitted at the original limits
 * @param unknownEnergy energy drawn while no intensity was known
 * @param limitMilliwattMillis the power limit in milliwatts integrated over busy milliseconds
 *     (for the average limit); a double, as a year of it overflows a long
 * @param busy time the GPUs were busy
 * @param extra busy time beyond the full-speed time of the same work
 * @param throttled busy time spent at the limit
 */
public record RollupSums(
    long samples,
    Energy energy,
    Energy baseline,
    Emissions emissions,
    Emissions baselineEmissions,
    Energy unknownEnergy,
    double limitMilliwattMillis,
    Duration busy,
    Duration extra,
    Duration throttled) {

  public RollupSums {
    if (samples < 0) {
      throw new IllegalArgumentException("sample count cannot be negative: " + samples);
    }
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(emissions, "emissions");
    Objects.requireNonNull(baselineEmissions, "baselineEmissions");
    Objects.requireNonNull(unknownEnergy, "unknownEnergy");
    if (!Double.isFinite(limitMilliwattMillis) || limitMilliwattMillis < 0) {
      throw new IllegalArgumentException("limit over busy time must be finite and >= 0, got " + limitMilliwattMillis);
    }
    for (Duration d : new Duration[] {busy, extra, throttled}) {
      if (Objects.requireNonNull(d, "duration").isNegative()) {
        throw new IllegalArgumentException("time cannot be negative: " + d);
      }
    }
  }
}
