package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished run of a recurring job: what it cost and whether it got where it was going. A run
 * the advisor stopped early is recorded as not having reached its target.
 *
 * @param batchSize the batch size it ran at
 * @param energy the GPU energy it used
 * @param duration its wall-clock training time
 * @param emissions its energy weighted by the grid's intensity while it ran
 * @param reachedTarget whether it reached its target metric
 * @param epochs epochs it ran
 */
public record RunOutcome(
    int batchSize, Energy energy, Duration duration, Emissions emissions, boolean reachedTarget, int epochs) {

  public RunOutcome {
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(emissions, "emissions");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration cannot be negative: " + duration);
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("epochs cannot be negative: " + epochs);
    }
    if (energy.millijoules() == 0 && emissions.grams() > 0) {
      throw new IllegalArgumentException("a run that used no energy cannot have emitted " + emissions);
    }
  }

  /** The run's carbon-weighted cost in grams-equivalent: emissions plus priced time. */
  public double costGrams(TimeWeight timeWeight) {
    return emissions.grams() + timeWeight.gramsFor(duration);
  }

  /** What the run would have cost had the grid been at {@code intensity} throughout. */
  public double costGramsAt(CarbonIntensity intensity, TimeWeight timeWeight) {
    return energy.kilowattHours() * intensity.gramsPerKwh() + timeWeight.gramsFor(duration);
  }

  /** The grid's energy-weighted mean intensity over the run; empty when it used no energy. */
  public Optional<CarbonIntensity> meanIntensity() {
    return meanIntensity(energy, emissions);
  }

  static Optional<CarbonIntensity> meanIntensity(Energy energy, Emissions emissions) {
    if (energy.millijoules() == 0) {
      return Optional.empty();
    }
    double value = emissions.grams() / energy.kilowattHours();
    return Optional.of(CarbonIntensity.gramsPerKwh(Math.min(value, CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH)));
  }
}
