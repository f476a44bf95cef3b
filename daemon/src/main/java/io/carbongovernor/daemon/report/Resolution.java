package io.carbongovernor.daemon.report;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;

/**
 * The slot a chart sums its figures into, coarser as the history gets longer so that each step
 * stays a few pixels wide or more: minutes up to 6 hours, hours up to 4 days, days up to 120
 * days, weeks (from Monday, UTC) beyond.
 */
public enum Resolution {
  MINUTE("minute", Duration.ofMinutes(1), Duration.ofHours(6)),
  HOUR("hour", Duration.ofHours(1), Duration.ofDays(4)),
  DAY("day", Duration.ofDays(1), Duration.ofDays(120)),
  WEEK("week", Duration.ofDays(7), ChronoUnit.FOREVER.getDuration());

  private final String word;
  private final Duration length;
  private final Duration upTo;

  Resolution(String word, Duration length, Duration upTo) {
    this.word = word;
    this.length = length;
    this.upTo = upTo;
  }

  /** The resolution for history that spans {@code span}. */
  public static Resolution forSpan(Duration span) {
    for (Resolution r : values()) {
      if (span.compareTo(r.upTo) <= 0) {
        return r;
      }
    }
    return WEEK;
  }

  /** The start of the slot {@code t} falls in. */
  public Instant slotStart(Instant t) {
    return switch (this) {
      case MINUTE -> t.truncatedTo(ChronoUnit.MINUTES);
      case HOUR -> t.truncatedTo(ChronoUnit.HOURS);
      case DAY -> t.truncatedTo(ChronoUnit.DAYS);
      case WEEK -> t.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
          .atStartOfDay(ZoneOffset.UTC).toInstant();
    };
  }

  public Duration length() {
    return length;
  }

  /** "minute", "hour", "day", "week": for "per minute" and "per week". */
  public String word() {
    return word;
  }
}
