package io.carbongovernor.gpu;

import java.util.Locale;

/** Energy, held in millijoules as NVML's total-energy counter reports it (AMD SMI's counts microjoules). */
public record Energy(long millijoules) implements Comparable<Energy> {

  public static final Energy ZERO = new Energy(0);

  private static final double MILLIJOULES_PER_KWH = 3.6e9;

  public Energy {
    if (millijoules < 0) {
      throw new IllegalArgumentException("energy cannot be negative: " + millijoules + " mJ");
    }
  }

  public static Energy ofMillijoules(long millijoules) {
    return new Energy(millijoules);
  }

  /** From microjoules, as AMD SMI's energy counter times its resolution gives; rounded down. */
  public static Energy ofMicrojoules(double microjoules) {
    if (!(microjoules >= 0) || Double.isInfinite(microjoules)) {
      throw new IllegalArgumentException("energy must be finite and >= 0, got " + microjoules + " uJ");
    }
    return new Energy((long) (microjoules / 1000.0));
  }

  public static Energy ofJoules(double joules) {
    return new Energy(Math.round(joules * 1000.0));
  }

  public double joules() {
    return millijoules / 1000.0;
  }

  public double kilowattHours() {
    return millijoules / MILLIJOULES_PER_KWH;
  }

  public Energy plus(Energy other) {
    return new Energy(Math.addExact(millijoules, other.millijoules));
  }

  @Override
  public int compareTo(Energy other) {
    return Long.compare(millijoules, other.millijoules);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%.3f J", joules());
  }
}
