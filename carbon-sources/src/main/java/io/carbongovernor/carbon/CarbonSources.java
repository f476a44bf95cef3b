package io.carbongovernor.carbon;

import java.time.Clock;

/** Factories for the carbon sources whose implementations are not public. */
public final class CarbonSources {

  private CarbonSources() {}

  /**
   * A source that replays a recorded trace. It is a perfect-knowledge replay: its "forecast" is
   * the recorded future, exactly as it happened, so forecast-driven policies see no forecast error.
   *
   * <ul>
   *   <li>{@code current(zone)}: the signal of the slot covering now; {@link
   *       CarbonSourceException.Kind#UNAVAILABLE} when the trace has none.
   *   <li>{@code forecast(zone, horizon)}: the slots after the current one that start before
   *       {@code now + horizon}, in time order (the current slot itself is not included).
   *   <li>{@code history(zone, from, to)}: the slots overlapping {@code [from, to)}.
   *   <li>Zone: a trace that names a zone (an Electricity Maps export) serves only that zone, and
   *       any other throws {@link CarbonSourceException.Kind#NOT_FOUND}; a trace without one (the
   *       plain layout) serves whatever zone is asked for.
   *   <li>Signals are {@link SignalKind#AVERAGE}, carry {@code name} as their source and the
   *       file's estimated flag.
   * </ul>
   *
   * <p>{@link TraceTiming#ABSOLUTE}: trace times are real times.
   *
   * <p>{@link TraceTiming#YEAR_ALIGNED}: the trace's year is that of its first slot (UTC). "Now"
   * is mapped to the same month, day and time of day in that year (Feb 29 maps to Feb 28 when the
   * trace year has no Feb 29), and every signal returned is shifted back by the same offset, so
   * that {@link CarbonSignal#covers} and {@link CarbonSignal#ageAt} work against the real clock.
   * The trace year repeats: a forecast that runs past Dec 31 continues with the trace's Jan 1, so
   * a one-year trace replays every year. Instants the trace does not cover (a trace of part of a
   * year) are {@code UNAVAILABLE}. One offset is used per call ({@code history} takes it from
   * {@code from}), so the slots of one answer are always contiguous; when the real and the trace
   * year differ in leap-ness, a forecast across Feb 29 is a day out until the next call
   * re-aligns.
   *
   * @param name the source name, for logs and the {@code source} field of signals (e.g. {@code
   *     trace})
   */
  public static CarbonSource trace(CarbonTrace trace, Clock clock, TraceTiming timing, String name) {
    return new TraceCarbonSource(trace, clock, timing, name);
  }
}
