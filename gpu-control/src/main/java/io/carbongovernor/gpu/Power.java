package io.carbongovernor.gpu;

import java.util.Locale;

/** Electrical power, held in milliwatts (NVML reports milliwatts, AMD SMI microwatts). */
public record Power(long milliwatts) implements Comparable<Power> {

  public static final Power ZERO = new Power(0);

  public Power {
    if (milliwatts < 0) {
      throw new IllegalArgumentException("power cannot be negative: " + milliwatts + " mW");
    }
  }

  public static Power ofMilliwatts(long milliwatts) {
    return new Power(milliwatts);
  }

  /** From microwatts, as AMD SMI reports power caps; rounded down to the milliwatt. */
  public static Power ofMicrowatts(long microwatts) {
    if (microwatts < 0) {
      throw new IllegalArgumentException("power cannot be negative: " + microwatts + " uW");
    }
    return new Power(microwatts / 1000);
  }

  /** In microwatts, as AMD SMI takes a power cap. */
  public long microwatts() {
    return Math.multiplyExact(milliwatts, 1000L);
  }

  public static Power ofWatts(double watts) {
    return new Power(Math.round(watts * 1000.0));
  }

  public double watts() {
    return milliwatts / 1000.0;
  }

  public Power plus(Power other) {
    return new Power(Math.addExact(milliwatts, other.milliwatts));
  }

  /** The absolute difference between two powers. */
  public Power distanceTo(Power other) {
    return new Power(Math.abs(milliwatts - other.milliwatts));
  }

  /** This power scaled by a non-negative factor, rounded to the milliwatt. */
  public Power times(double factor) {
    if (!(factor >= 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("factor must be finite and >= 0, got " + factor);
    }
    return new Power(Math.round(milliwatts * factor));
  }

  /** The energy this power delivers when held for {@code seconds}. */
  public Energy over(double seconds) {
    return Energy.ofMillijoules(Math.round(milliwatts * seconds));
  }

  public boolean isAbove(Power other) {
    return milliwatts > other.milliwatts;
  }

  public boolean isBelow(Power other) {
    return milliwatts < other.milliwatts;
  }

  public static Power min(Power a, Power b) {
    return a.milliwatts <= b.milliwatts ? a : b;
  }

  public static Power max(Power a, Power b) {
    return a.milliwatts >= b.milliwatts ? a : b;
  }

  @Override
  public int compareTo(Power other) {
    return Long.compare(milliwatts, other.milliwatts);
  }

  /** Watts, with decimals only where the value has them: {@code 250 W}, {@code 112.5 W}. */
  @Override
  public String toString() {
    if (milliwatts % 1000 == 0) {
      return (milliwatts / 1000) + " W";
    }
    return String.format(Locale.ROOT, "%.3f W", watts()).replaceAll("0+ W$", " W");
  }
}
