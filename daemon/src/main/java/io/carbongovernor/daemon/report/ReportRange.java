package io.carbongovernor.daemon.report;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * The period a report covers: the instants queried ({@code [from, to)}) and the label people
 * read, which is the range as given, with the last day included ({@code 2026-12-01 to
 * 2026-12-07}), never the exclusive instant the query needs.
 */
public record ReportRange(Instant from, Instant to, String label) {

  /** Days a report covers when no dates are given, today included. */
  public static final int DEFAULT_DAYS = 30;

  public ReportRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(label, "label");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("--from must be before --to");
    }
  }

  /** Instants as given, the end excluded. */
  public static ReportRange of(Instant from, Instant to) {
    return new ReportRange(from, to, from + " to " + to + " (end excluded)");
  }

  /**
   * The range of {@code --from} and {@code --to}: each a UTC day ({@code YYYY-MM-DD}; the
   * {@code --to} day included) or an instant (a {@code --to} instant excluded). Without
   * {@code --to} the range ends with {@code today}; without {@code --from} it starts {@link
   * #DEFAULT_DAYS} days before its end (that many days with the last one included).
   *
   * @throws IllegalArgumentException naming the option, for a value that is no date or instant
   *     or a range that ends before it starts
   */
  public static ReportRange parse(Optional<String> from, Optional<String> to, LocalDate today) {
    Bound end = to.map(v -> Bound.parse(v, "--to")).orElse(Bound.day(today));
    Bound start = from.map(v -> Bound.parse(v, "--from")).orElseGet(() -> end.daysBefore(DEFAULT_DAYS));
    Instant first = start.startInstant();
    Instant last = end.endInstant();
    if (!first.isBefore(last)) {
      throw new IllegalArgumentException("--from must be before --to, got " + start.text() + " and " + end.text()
          + (to.isEmpty() ? " (--to is today by default)" : ""));
    }
    String label = start.day().isPresent() && start.day().equals(end.day())
        ? start.text()
        : start.text() + " to " + end.text() + (end.day().isEmpty() ? " (end excluded)" : "");
    if (from.isEmpty() && to.isEmpty()) {
      label += " (the last " + DEFAULT_DAYS + " days)";
    }
    return new ReportRange(first, last, label);
  }

  /** One end of a range: a whole UTC day or an instant. */
  private record Bound(Optional<LocalDate> day, Instant instant) {

    static Bound day(LocalDate d) {
      return new Bound(Optional.of(d), d.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    static Bound parse(String value, String option) {
      try {
        return value.length() == 10 ? day(LocalDate.parse(value)) : new Bound(Optional.empty(), Instant.parse(value));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(option + " must be a date like 2026-11-01 or an instant like"
            + " 2026-11-01T00:00:00Z, got '" + printable(value) + "'");
      }
    }

    /** The start of a range that ends with this bound and covers {@code days} days. */
    Bound daysBefore(int days) {
      return day.map(d -> day(d.minusDays(days - 1L)))
          .orElseGet(() -> new Bound(Optional.empty(), instant.minus(Duration.ofDays(days))));
    }

    Instant startInstant() {
      return instant;
    }

    /** Exclusive: the midnight after a day, or the instant itself. */
    Instant endInstant() {
      return day.map(d -> d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()).orElse(instant);
    }

    String text() {
      return day.map(LocalDate::toString).orElse(instant.toString());
    }
  }

  /** A value echoed in an error, without control characters (no terminal escapes). */
  private static String printable(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
