package io.carbongovernor.policy.batch;

import java.time.Duration;
import java.util.Locale;

/**
 * A team's price of time in grams of CO2-equivalent per second of training: how many grams it
 * would emit to finish one second sooner. Zero makes the advisor minimise emissions alone.
 *
 * <p>Zeus's cost {@code eta * energy + (1 - eta) * maxPower * time} maps onto this with {@code
 * gramsPerSecond = (1 - eta) / eta * maxPower * intensity}: time priced as the emissions of the
 * GPU at its maximum power ({@link #zeusEquivalent}).
 */
public record TimeWeight(double gramsPerSecond) {

  public static final TimeWeight ZERO = new TimeWeight(0);

  public TimeWeight {
    if (!Double.isFinite(gramsPerSecond) || gramsPerSecond < 0) {
      throw new IllegalArgumentException("time weight must be finite and >= 0 g/s, got " + gramsPerSecond);
    }
  }

  public static TimeWeight gramsPerSecond(double value) {
    return new TimeWeight(value);
  }

  /**
   * The weight equivalent to Zeus's {@code eta} knob for a GPU of {@code maxPowerWatts} on a grid
   * at {@code gramsPerKwh}.
   *
   * @param eta Zeus's energy-time knob in (0, 1]; 0.5 in the paper
   */
  public static TimeWeight zeusEquivalent(double eta, double maxPowerWatts, double gramsPerKwh) {
    if (!(eta > 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be in (0, 1], got " + eta);
    }
    double maxPowerGramsPerSecond = maxPowerWatts / 1000.0 / 3600.0 * gramsPerKwh;
    return new TimeWeight((1 - eta) / eta * maxPowerGramsPerSecond);
  }

  /** The grams-equivalent of {@code time}. */
  public double gramsFor(Duration time) {
    return gramsPerSecond * seconds(time);
  }

  static double seconds(Duration time) {
    return time.toNanos() / 1e9;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.4g g/s", gramsPerSecond);
  }
}
