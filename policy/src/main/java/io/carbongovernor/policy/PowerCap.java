package io.carbongovernor.policy;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.util.Locale;
import java.util.Objects;

/** A cap on a GPU's power limit: absolute watts, or a fraction of the GPU's maximum limit. */
public sealed interface PowerCap {

  /** The limit this cap means for a GPU with these constraints, clamped into them. */
  Power resolve(PowerConstraints constraints);

  static PowerCap watts(Power power) {
    return new Absolute(power);
  }

  static PowerCap fractionOfMax(double fraction) {
    return new FractionOfMax(fraction);
  }

  /** A cap in watts. */
  record Absolute(Power power) implements PowerCap {
    public Absolute {
      Objects.requireNonNull(power, "power");
      if (power.milliwatts() == 0) {
        throw new IllegalArgumentException("a power cap must be above 0 W");
      }
    }

    @Override
    public Power resolve(PowerConstraints constraints) {
      return constraints.clamp(power);
    }

    @Override
    public String toString() {
      return power.toString();
    }
  }

  /** A cap as a fraction of the GPU's maximum limit, in {@code (0, 1]}. */
  record FractionOfMax(double fraction) implements PowerCap {
    public FractionOfMax {
      if (!(fraction > 0 && fraction <= 1)) {
        throw new IllegalArgumentException("a fractional cap must be in (0, 1], got " + fraction);
      }
    }

    @Override
    public Power resolve(PowerConstraints constraints) {
      return constraints.clamp(constraints.max().times(fraction));
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%.0f%%", fraction * 100);
    }
  }
}
