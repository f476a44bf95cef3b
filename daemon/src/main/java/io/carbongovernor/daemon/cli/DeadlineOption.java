package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.Durations;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A {@code --deadline} as {@code when} and {@code submit} take it: a duration from now ({@code
 * 18h}, {@code 1h30m}, as in the config) or a time, local in a zone ({@code 2026-12-08T06:00}) or
 * with an offset ({@code 2026-12-08T05:00:00Z}).
 */
final class DeadlineOption {

  private DeadlineOption() {}

  /**
   * @throws IllegalArgumentException with the message for the user, naming {@code --deadline}
   */
  static Instant parse(String text, Instant now, ZoneId zone) {
    String s = text.strip();
    if (s.length() > 64) {
      throw new IllegalArgumentException("--deadline is too long to be a duration or a time");
    }
    if (!s.contains("-") && !s.contains(":")) {
      Duration d;
      try {
        d = Durations.parse(s);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new IllegalArgumentException("--deadline: " + e.getMessage());
      }
      return now.plus(d);
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException ignored) {
      // no offset: local time
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ignored) {
      // not an instant either
    }
    try {
      return LocalDateTime.parse(s.replace(' ', 'T')).atZone(zone).toInstant();
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("--deadline must be a duration (24h) or a time (2026-12-08T06:00,"
          + " 2026-12-08T05:00:00Z), got '" + text + "'");
    }
  }
}
