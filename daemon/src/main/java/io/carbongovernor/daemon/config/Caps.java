package io.carbongovernor.daemon.config;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.PowerCap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Power caps ({@code 250W}, {@code 250 W}, {@code 112.5W}, {@code 80%}) and powers ({@code 5W}).
 */
final class Caps {

  private static final Pattern QUANTITY = Pattern.compile("(\\d{1,6}(?:\\.\\d+)?)\\s*(W|%)");
  private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");

  private Caps() {}

  /**
   * @throws IllegalArgumentException with a message for the user
   */
  static PowerCap parseCap(String text) {
    String s = text.strip();
    if (BARE_NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "give a unit: 250W or 80%, not a bare number (got " + s + ")");
    }
    Matcher m = QUANTITY.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a cap like 250W or 80%, got '" + text + "'");
    }
    double amount = Double.parseDouble(m.group(1));
    if (m.group(2).equals("%")) {
      if (!(amount > 0 && amount <= 100)) {
        throw new IllegalArgumentException(
            "a percentage cap must be above 0% and at most 100%, got " + s);
      }
      return PowerCap.fractionOfMax(amount / 100.0);
    }
    if (Power.ofWatts(amount).milliwatts() == 0) {
      throw new IllegalArgumentException("a cap in watts must be above 0W, got " + s);
    }
    return PowerCap.watts(Power.ofWatts(amount));
  }

  /**
   * @throws IllegalArgumentException with a message for the user
   */
  static Power parsePower(String text) {
    String s = text.strip();
    if (BARE_NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException("give a unit: 5W, not a bare number (got " + s + ")");
    }
    Matcher m = QUANTITY.matcher(s);
    if (!m.matches() || !m.group(2).equals("W")) {
      throw new IllegalArgumentException("expected a power like 5W, got '" + text + "'");
    }
    return Power.ofWatts(Double.parseDouble(m.group(1)));
  }

  /** Watts as written in config: {@code 5W}, {@code 112.5W}. */
  static String format(Power power) {
    return power.toString().replace(" ", "");
  }
}
