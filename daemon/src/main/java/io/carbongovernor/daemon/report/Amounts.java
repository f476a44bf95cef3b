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

  /** A unit with its size in the base unit (grams, seconds, Wh; W and g/kWh are their own). */
  record Unit(String symbol, double base) {}

  static final Unit G = new Unit("g", 1);
  static final Unit KG = new Unit("kg", 1e3);
  static final Unit T = new Unit("t", 1e6);
  static final Unit S = new Unit("s", 1);
  static final Unit MIN = new Unit("min", 60);
  static final Unit H = new Unit("h", 3600);
  static final Unit WH = new Unit("Wh", 1);
  static final Unit KWH = new Unit("kWh", 1e3);
  static final Unit MWH = new Unit("MWh", 1e6);

  private Amounts() {}

  /** Grams of CO2e as g, kg or t. */
  static String mass(double grams) {
    return scaled(grams, massUnit(Math.abs(grams)));
  }

  /** Energy as Wh, kWh or MWh. */
  static String energy(double kwh) {
    double wh = kwh * 1000;
    double size = Math.abs(wh);
    return scaled(wh, size < 1e3 ? WH : size < 1e6 ? KWH : MWH);
  }

  /** GPU time as s, min or h. */
  static String duration(double hours) {
    return scaled(hours * 3600, timeUnit(Math.abs(hours * 3600)));
  }

  /** The unit of mass for figures up to {@code grams}. */
  static Unit massUnit(double grams) {
    return grams < 1e3 ? G : grams < 1e6 ? KG : T;
  }

  /** The unit of time for figures up to {@code seconds}. */
  static Unit timeUnit(double seconds) {
    return seconds < 120 ? S : seconds < 7200 ? MIN : H;
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
