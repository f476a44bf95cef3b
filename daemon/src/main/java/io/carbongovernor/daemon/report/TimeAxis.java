package io.carbongovernor.daemon.report;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Labelled times (UTC) for a chart's x axis: the finest round step (5 minutes, an hour, a
 * Monday, the first of a month, ...) that puts at most {@link #MAX_TICKS} ticks on the span.
 * A clock time carries the date below it where the day changes; a date carries the year where
 * the year changes.
 */
final class TimeAxis {

  static final int MAX_TICKS = 13;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM", Locale.ROOT);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMM", Locale.ROOT);
  private static final DateTimeFormatter YEAR = DateTimeFormatter.ofPattern("yyyy", Locale.ROOT);

  /** A tick: its time, its label, and the date or year below it where that changes. */
  record Tick(Instant at, String label, Optional<String> below) {}

  private TimeAxis() {}

  static List<Tick> ticks(Instant start, Instant end) {
    for (Step step : STEPS) {
      List<Instant> at = step.between(start, end);
      if (at.size() <= MAX_TICKS) {
        return label(step, at);
      }
    }
    return label(STEPS.get(STEPS.size() - 1), STEPS.get(STEPS.size() - 1).between(start, end));
  }

  private static List<Tick> label(Step step, List<Instant> at) {
    List<Tick> ticks = new ArrayList<>();
    ZonedDateTime previous = null;
    for (Instant t : at) {
      ZonedDateTime z = t.atZone(ZoneOffset.UTC);
      Optional<String> below;
      String label;
      if (step.kind == Kind.CLOCK) {
        label = CLOCK.format(z);
        below = previous == null || !previous.toLocalDate().equals(z.toLocalDate()) ? Optional.of(DAY.format(z)) : Optional.empty();
      } else {
        label = switch (step.kind) {
          case DAYS -> DAY.format(z);
          case MONTHS -> MONTH.format(z);
          default -> YEAR.format(z);
        };
        below = step.kind != Kind.YEARS && (previous == null || previous.getYear() != z.getYear())
            ? Optional.of(YEAR.format(z)) : Optional.empty();
      }
      ticks.add(new Tick(t, label, below));
      previous = z;
    }
    return ticks;
  }

  private enum Kind { CLOCK, DAYS, MONTHS, YEARS }

  /** A round step: a fixed length from midnight, a week from Monday, or months from January. */
  private record Step(Kind kind, Duration length, int months) {

    static Step clock(Duration d) {
      return new Step(d.compareTo(Duration.ofDays(1)) < 0 ? Kind.CLOCK : Kind.DAYS, d, 0);
    }

    static Step months(int n) {
      return new Step(n >= 12 ? Kind.YEARS : Kind.MONTHS, Duration.ZERO, n);
    }

    List<Instant> between(Instant start, Instant end) {
      List<Instant> at = new ArrayList<>();
      for (Instant t = first(start); !t.isAfter(end) && at.size() <= MAX_TICKS; t = next(t)) {
        at.add(t);
      }
      return at;
    }

    private Instant first(Instant start) {
      if (months > 0) {
        LocalDate d = start.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        while (d.getMonthValue() % Math.min(months, 12) != 1 % Math.min(months, 12)) {
          d = d.minusMonths(1);
        }
        Instant t = d.atStartOfDay(ZoneOffset.UTC).toInstant();
        return t.isBefore(start) ? next(t) : t;
      }
      if (length.equals(Duration.ofDays(7))) {
        LocalDate monday = start.atZone(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
        Instant t = monday.atStartOfDay(ZoneOffset.UTC).toInstant();
        return t.isBefore(start) ? next(t) : t;
      }
      long ms = length.toMillis();
      long day = start.truncatedTo(ChronoUnit.DAYS).toEpochMilli();
      long within = start.toEpochMilli() - day;
      return Instant.ofEpochMilli(day + -Math.floorDiv(-within, ms) * ms);
    }

    private Instant next(Instant t) {
      if (months > 0) {
        return t.atZone(ZoneOffset.UTC).plusMonths(months).toInstant();
      }
      Instant n = t.plus(length);
      // Steps that do not divide a day start again at each midnight.
      Instant midnight = t.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
      return kind == Kind.CLOCK && n.isAfter(midnight) ? midnight : n;
    }
  }

  private static final List<Step> STEPS = List.of(
      Step.clock(Duration.ofMinutes(1)), Step.clock(Duration.ofMinutes(2)), Step.clock(Duration.ofMinutes(5)),
      Step.clock(Duration.ofMinutes(10)), Step.clock(Duration.ofMinutes(15)), Step.clock(Duration.ofMinutes(30)),
      Step.clock(Duration.ofHours(1)), Step.clock(Duration.ofHours(2)), Step.clock(Duration.ofHours(3)),
      Step.clock(Duration.ofHours(6)), Step.clock(Duration.ofHours(12)), Step.clock(Duration.ofDays(1)),
      Step.clock(Duration.ofDays(7)), Step.months(1), Step.months(3), Step.months(6), Step.months(12));
}
