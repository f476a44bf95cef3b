package io.carbongovernor.daemon.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Figures for people: three significant digits in the unit that suits the size (g or kg, Wh or
 * kWh, seconds, minutes or hours), so a small figure never reads as zero. Machine formats keep
 * fixed units instead.
 */
final class Amounts {

  private Amounts() {}

  /** Grams of CO2e as g, kg or t. */
  static String mass(double grams) {
    return scaled(grams, MassUnit.forSize(Math.abs(grams)));
  }

  /** Energy as Wh, kWh or MWh. */
  static String energy(double kwh) {
    double wh = kwh * 1000;
    double size = Math.abs(wh);
    if (size < 1000) {
      return number(wh) + " Wh";
    }
    return size < 1e6 ? number(kwh) + " kWh" : number(kwh / 1000) + " MWh";
  }

  /** GPU time as s, min or h. */
  static String duration(double hours) {
    return scaled(hours * 3600, TimeUnit.forSize(Math.abs(hours * 3600)));
  }

  /** A unit of mass, by the size of the largest figure it shows. */
  enum MassUnit implements Unit {
    G("g", 1),
    KG("kg", 1e3),
    T("t", 1e6);

    private final String symbol;
    private final double grams;

    MassUnit(String symbol, double grams) {
      this.symbol = symbol;
      this.grams = grams;
    }

    static MassUnit forSize(double grams) {
      return grams < 1e3 ? G : grams < 1e6 ? KG : T;
    }

    @Override
    public String symbol() {
      return symbol;
    }

    @Override
    public double base() {
      return grams;
    }
  }

  /** A unit of time, by the size of the largest figure it shows. */
  enum TimeUnit implements Unit {
    S("s", 1),
    MIN("min", 60),
    H("h", 3600);

    private final String symbol;
    private final double seconds;

    TimeUnit(String symbol, double seconds) {
      this.symbol = symbol;
      this.seconds = seconds;
    }

    static TimeUnit forSize(double seconds) {
      return seconds < 120 ? S : seconds < 7200 ? MIN : H;
    }

    @Override
    public String symbol() {
      return symbol;
    }

    @Override
    public double base() {
      return seconds;
    }
  }

  /** A unit with its size in the base unit (grams, seconds). */
  interface Unit {
    String symbol();

    double base();
  }

  static String scaled(double baseValue, Unit unit) {
    return number(baseValue / unit.base()) + " " + unit.symbol();
  }

  /** Three significant digits (trailing zeros kept: 9.00, 26.0), never in exponent form; zero is "0". */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    if (v == 0 || Double.isInfinite(v)) {
      return v == 0 ? "0" : Double.toString(v);
    }
    BigDecimal r = new BigDecimal(v).round(new MathContext(3, RoundingMode.HALF_EVEN));
    int integerDigits = r.precision() - r.scale();
    return r.setScale(Math.max(0, 3 - integerDigits), RoundingMode.HALF_EVEN).toPlainString();
  }
}
