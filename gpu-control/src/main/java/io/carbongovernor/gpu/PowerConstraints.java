package io.carbongovernor.gpu;

import java.util.Objects;

/** The range a GPU accepts for its power limit, as NVML reports it. */
public record PowerConstraints(Power min, Power max) {

  public PowerConstraints {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isAbove(max)) {
      throw new IllegalArgumentException("min " + min + " is above max " + max);
    }
  }

  public boolean contains(Power power) {
    return !power.isBelow(min) && !power.isAbove(max);
  }

  /** The nearest power inside {@code [min, max]}. */
  public Power clamp(Power power) {
    return Power.max(min, Power.min(max, power));
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
