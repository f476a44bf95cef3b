package io.carbongovernor.daemon.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A chart's y axis from zero to a round top: ticks at round steps (1, 2 or 5 times a power of
 * ten) labelled with their unit, the unit chosen by the size of the largest figure (grams
 * below a kilogram, minutes below two hours, ...).
 */
record ValueAxis(Amounts.Unit unit, double top, List<Tick> ticks) {

  /** A tick at {@code value}, in the base unit (grams, seconds, W, g/kWh), and its label. */
  record Tick(double value, String label) {}

  /** What a chart's figures are, in their base unit. */
  enum Quantity {
    MASS,
    TIME,
    POWER,
    INTENSITY;

    Amounts.Unit unitFor(double max) {
      return switch (this) {
        case MASS -> Amounts.massUnit(max);
        case TIME -> Amounts.timeUnit(max);
        case POWER -> WATTS;
        case INTENSITY -> G_PER_KWH;
      };
    }
  }

  /** Units that do not change with size. */
  private static final Amounts.Unit WATTS = new Amounts.Unit("W", 1);

  private static final Amounts.Unit G_PER_KWH = new Amounts.Unit("g/kWh", 1);

  /** An axis for figures up to {@code max} (base unit); NaN and negative figures are ignored. */
  static ValueAxis forMax(Quantity quantity, double max) {
    double m = Double.isNaN(max) || max <= 0 ? 0 : max;
    Amounts.Unit unit = quantity.unitFor(m);
    double inUnit = m / unit.base();
    BigDecimal step = inUnit > 0 ? roundStep(inUnit / 4) : new BigDecimal("0.25");
    long count = Math.max(1, (long) Math.ceil(inUnit / step.doubleValue() - 1e-9));
    List<Tick> ticks = new ArrayList<>();
    for (long i = 0; i <= count; i++) {
      BigDecimal v = step.multiply(BigDecimal.valueOf(i)).stripTrailingZeros();
      ticks.add(new Tick(v.doubleValue() * unit.base(), (v.signum() == 0 ? "0" : v.toPlainString()) + " " + unit.symbol()));
    }
    return new ValueAxis(unit, ticks.get(ticks.size() - 1).value(), ticks);
  }

  /** The round step (1, 2 or 5 times a power of ten) at or above {@code raw}. */
  private static BigDecimal roundStep(double raw) {
    BigDecimal magnitude = BigDecimal.ONE.scaleByPowerOfTen((int) Math.floor(Math.log10(raw)));
    for (int f : new int[] {1, 2, 5, 10}) {
      BigDecimal step = magnitude.multiply(BigDecimal.valueOf(f));
      if (step.doubleValue() >= raw * (1 - 1e-9)) {
        return step;
      }
    }
    return magnitude.multiply(BigDecimal.TEN);
  }
}
