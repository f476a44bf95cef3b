package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One row of a {@code bands} table: intensities below {@code below} (or any intensity, for the
 * last, open band) get this cap and, optionally, this batch size.
 */
public record Band(Optional<CarbonIntensity> below, PowerCap cap, OptionalInt batchSize) {
  public Band {
    Objects.requireNonNull(below, "below");
    Objects.requireNonNull(cap, "cap");
    Objects.requireNonNull(batchSize, "batchSize");
  }

  boolean admits(CarbonIntensity intensity) {
    return below.map(limit -> intensity.compareTo(limit) < 0).orElse(true);
  }

  String describe() {
    return below.map(b -> "< " + Math.round(b.gramsPerKwh())).orElse("open") + " -> " + cap;
  }
}
