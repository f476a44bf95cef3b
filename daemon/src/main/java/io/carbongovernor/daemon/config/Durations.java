package io.carbongovernor.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in config: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 2h}, {@code 1d},
 * {@code 1h30m}.
 */
public final class Durations {

  /** Largest unit first; each unit at most once. */
  private static final List<String> UNITS = List.of("d", "h", "m", "s", "ms");

  private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|d|h|m|s)");
  private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");

  private Durations() {}

  /**
   * @throws IllegalArgumentException with a message for the user
   */
  public static Duration parse(String text) {
    String s = text.strip();
    if (BARE_NUMBER.matcher(s).matches()) {
      throw new IllegalArgumentException(
          "give a unit: 10s or 5m, not a bare number (got " + s + ")");
    }
    Matcher m = PART.matcher(s);
    Duration total = Duration.ZERO;
    int position = 0;
    int lastUnit = -1;
    while (position < s.length() && m.find(position) && m.start() == position) {
      int unit = UNITS.indexOf(m.group(2));
      if (unit <= lastUnit) {
        throw bad(text);
      }
      total = total.plus(of(Long.parseLong(m.group(1)), m.group(2)));
      lastUnit = unit;
      position = m.end();
    }
    if (s.isEmpty() || position != s.length()) {
      throw bad(text);
    }
    return total;
  }

  /** The shortest config spelling: {@code 1h30m}, {@code 500ms}, {@code 0s}. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    append(out, d.toDays(), "d");
    append(out, d.toHoursPart(), "h");
    append(out, d.toMinutesPart(), "m");
    append(out, d.toSecondsPart(), "s");
    append(out, d.toMillisPart(), "ms");
    return out.toString();
  }

  private static void append(StringBuilder out, long amount, String unit) {
    if (amount != 0) {
      out.append(amount).append(unit);
    }
  }

  private static Duration of(long amount, String unit) {
    switch (unit) {
      case "d":
        return Duration.ofDays(amount);
      case "h":
        return Duration.ofHours(amount);
      case "m":
        return Duration.ofMinutes(amount);
      case "s":
        return Duration.ofSeconds(amount);
      default:
        return Duration.ofMillis(amount);
    }
  }

  private static IllegalArgumentException bad(String text) {
    return new IllegalArgumentException("expected a duration like 5m, got '" + text + "'");
  }
}
