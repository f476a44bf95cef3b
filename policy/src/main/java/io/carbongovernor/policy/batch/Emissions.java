package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import java.util.Locale;

/** Emissions in grams of CO2-equivalent. */
public record Emissions(double grams) implements Comparable<Emissions> {

  public static final Emissions ZERO = new Emissions(0);

  public Emissions {
    if (!Double.isFinite(grams) || grams < 0) {
      throw new IllegalArgumentException("emissions must be finite and >= 0 g, got " + grams);
    }
  }

  public static Emissions ofGrams(double grams) {
    return new Emissions(grams);
  }

  /** What {@code energy} emits at a constant {@code intensity}. */
  public static Emissions of(Energy energy, CarbonIntensity intensity) {
    return new Emissions(energy.kilowattHours() * intensity.gramsPerKwh());
  }

  public Emissions plus(Emissions other) {
    return new Emissions(grams + other.grams);
  }

  @Override
  public int compareTo(Emissions other) {
    return Double.compare(grams, other.grams);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.1f gCO2eq", grams);
  }
}
