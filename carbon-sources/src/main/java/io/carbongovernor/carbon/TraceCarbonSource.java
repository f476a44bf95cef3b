package io.carbongovernor.carbon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Serves a {@link CarbonTrace} as a carbon source; see {@link CarbonSources#trace} for the
 * timings and what each method returns.
 */
final class TraceCarbonSource implements CarbonSource {

  /** A trace slot placed on the timeline the trace is replayed on. */
  private record Placed(CarbonTrace.Slot slot, Duration shift) {
    Instant start() {
      return slot.start().plus(shift);
    }

    Instant end() {
      return slot.end().plus(shift);
    }
  }

  private final CarbonTrace trace;
  private final Clock clock;
  private final TraceTiming timing;
  private final String name;

  // YEAR_ALIGNED only: the year replayed (that of the first slot) and its slots.
  private final int year;
  private final Instant yearStart;
  private final Duration yearLength;
  private final CarbonTrace yearTrace;

  TraceCarbonSource(CarbonTrace trace, Clock clock, TraceTiming timing, String name) {
    this.trace = Objects.requireNonNull(trace, "trace");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.name = Objects.requireNonNull(name, "name");
    this.year = trace.start().atOffset(ZoneOffset.UTC).getYear();
    this.yearStart = Year.of(year).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    Instant yearEnd = Year.of(year + 1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
    this.yearLength = Duration.between(yearStart, yearEnd);
    this.yearTrace = CarbonTrace.of(null, trace.overlapping(yearStart, yearEnd));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public CarbonSignal current(String zone) {
    checkZone(zone);
    Instant now = clock.instant();
    Instant at = toTraceTime(now);
    List<Placed> found = placed(at, at.plusNanos(1));
    if (found.isEmpty()) {
      throw new CarbonSourceException(
          CarbonSourceException.Kind.UNAVAILABLE,
          name,
          "the trace (" + trace.start() + " to " + trace.end() + ") has no slot at " + at
              + (at.equals(now) ? "" : " (replayed for " + now + ")"));
    }
    return signal(zone, found.get(0), Duration.between(at, now));
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    checkZone(zone);
    Instant now = clock.instant();
    Instant at = toTraceTime(now);
    Duration offset = Duration.between(at, now);
    List<CarbonSignal> signals = new ArrayList<>();
    for (Placed p : placed(at, at.plus(horizon))) {
      // The slot covering `at` is the current one, not part of the forecast.
      if (p.start().isAfter(at)) {
        signals.add(signal(zone, p, offset));
      }
    }
    return signals;
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    checkZone(zone);
    if (to.isBefore(from)) {
      throw new IllegalArgumentException(
          "history range ends at " + to + ", before its start " + from);
    }
    Instant at = toTraceTime(from);
    Duration offset = Duration.between(at, from);
    List<CarbonSignal> signals = new ArrayList<>();
    for (Placed p : placed(at, at.plus(Duration.between(from, to)))) {
      signals.add(signal(zone, p, offset));
    }
    return signals;
  }

  private void checkZone(String zone) {
    Objects.requireNonNull(zone, "zone");
    trace.zone().filter(z -> !z.equals(zone)).ifPresent(z -> {
      throw new CarbonSourceException(
          CarbonSourceException.Kind.NOT_FOUND, name,
          "the trace holds zone " + z + ", not the requested zone " + zone);
    });
  }

  /** The instant in trace time that stands for a real instant. */
  private Instant toTraceTime(Instant real) {
    if (timing == TraceTiming.ABSOLUTE) {
      return real;
    }
    // withYear turns Feb 29 into Feb 28 when the trace year has no Feb 29.
    return LocalDateTime.ofInstant(real, ZoneOffset.UTC).withYear(year).toInstant(ZoneOffset.UTC);
  }

  /**
   * Slots overlapping {@code [from, to)} in trace time. Year-aligned, the trace year repeats
   * after itself (a slot after Dec 31 is the trace's Jan 1 slot, one year later), and a repeat
   * that would overlap the slot before it is dropped.
   */
  private List<Placed> placed(Instant from, Instant to) {
    List<Placed> found = new ArrayList<>();
    if (timing == TraceTiming.ABSOLUTE) {
      trace.overlapping(from, to).forEach(s -> found.add(new Placed(s, Duration.ZERO)));
      return found;
    }
    Instant lastEnd = Instant.MIN;
    for (long years = 0; ; years++) {
      Duration shift = yearLength.multipliedBy(years);
      if (!to.minus(shift).isAfter(yearStart)) {
        return found;
      }
      for (CarbonTrace.Slot s : yearTrace.overlapping(from.minus(shift), to.minus(shift))) {
        Placed p = new Placed(s, shift);
        if (!p.start().isBefore(lastEnd)) {
          found.add(p);
          lastEnd = p.end();
        }
      }
    }
  }

  private CarbonSignal signal(String zone, Placed p, Duration toReal) {
    return new CarbonSignal(
        zone,
        p.start().plus(toReal),
        p.end().plus(toReal),
        p.slot().intensity(),
        SignalKind.AVERAGE,
        name,
        p.slot().estimated());
  }

  @Override
  public String toString() {
    return "TraceCarbonSource[" + name + ", " + timing + ", " + trace + "]";
  }
}
