package io.carbongovernor.carbon;

/**
 * Grid carbon intensity in grams of CO2-equivalent per kilowatt-hour.
 *
 * <p>The only unit the rest of the daemon sees: every source converts to it at the edge.
 */
public record CarbonIntensity(double gramsPerKwh) implements Comparable<CarbonIntensity> {

  /** Above this a reading is treated as a bad response (the dirtiest grids stay well below 1500). */
  public static final double PLAUSIBLE_MAX_G_PER_KWH = 3000.0;

  public CarbonIntensity {
    if (!isPlausible(gramsPerKwh)) {
      throw new IllegalArgumentException(
          "carbon intensity must be within [0, " + PLAUSIBLE_MAX_G_PER_KWH + "] gCO2eq/kWh, got "
              + gramsPerKwh);
    }
  }

  public static CarbonIntensity gramsPerKwh(double value) {
    return new CarbonIntensity(value);
  }

  /** Whether a raw value could be a real intensity: finite, not negative, not absurd. */
  public static boolean isPlausible(double gramsPerKwh) {
    return Double.isFinite(gramsPerKwh) && gramsPerKwh >= 0 && gramsPerKwh <= PLAUSIBLE_MAX_G_PER_KWH;
  }

  @Override
  public int compareTo(CarbonIntensity other) {
    return Double.compare(gramsPerKwh, other.gramsPerKwh);
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%.1f gCO2eq/kWh", gramsPerKwh);
  }
}
