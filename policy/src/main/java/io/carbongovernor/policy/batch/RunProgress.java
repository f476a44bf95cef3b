package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A run still in progress, as far as it has got.
 *
 * @param batchSize the batch size it runs at
 * @param energy GPU energy used so far
 * @param elapsed training time so far
 * @param emissions emissions so far
 */
public record RunProgress(int batchSize, Energy energy, Duration elapsed, Emissions emissions) {

  public RunProgress {
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(elapsed, "elapsed");
    Objects.requireNonNull(emissions, "emissions");
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
    }
    if (elapsed.isNegative()) {
      throw new IllegalArgumentException("elapsed time cannot be negative: " + elapsed);
    }
    if (energy.millijoules() == 0 && emissions.grams() > 0) {
      throw new IllegalArgumentException("a run that used no energy cannot have emitted " + emissions);
    }
  }

  /** Cost so far in grams-equivalent. */
  public double costGrams(TimeWeight timeWeight) {
    return emissions.grams() + timeWeight.gramsFor(elapsed);
  }

  /** The grid's mean intensity over the run so far; empty before it used energy. */
  public Optional<CarbonIntensity> meanIntensity() {
    return RunOutcome.meanIntensity(energy, emissions);
  }
}
