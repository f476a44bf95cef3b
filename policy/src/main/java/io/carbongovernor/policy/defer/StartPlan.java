package io.carbongovernor.policy.defer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * When to start a job, as planned at {@code madeAt}.
 *
 * @param start the best start found; never after {@code max(madeAt, latestStart)}
 * @param latestStart the latest feasible start (see {@link DeferredJob#latestStart})
 * @param expectedAtStart the mean intensity expected over the run from {@code start}, g/kWh;
 *     empty when nothing was known
 * @param expectedNow the mean intensity expected over the run from {@code madeAt}, g/kWh
 * @param basis what the expectation rests on
 */
public record StartPlan(Instant madeAt, Instant start, Instant latestStart, OptionalDouble expectedAtStart,
    OptionalDouble expectedNow, Basis basis) {

  /** What the plan's expected intensities come from. */
  public enum Basis {
    /** A source's forecast covers the whole run from every start considered. */
    FORECAST,
    /** A forecast, then the history forecaster (or the last value held) where it ends. */
    PARTIAL_FORECAST,
    /** The history forecaster only: no forecast was given. */
    HISTORY,
    /** Nothing known: start at once. */
    NONE,
    /** The latest feasible start has come: start at once whatever the signal says. */
    LATEST_START;

    public String word() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  public StartPlan {
    Objects.requireNonNull(madeAt, "madeAt");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(latestStart, "latestStart");
    Objects.requireNonNull(expectedAtStart, "expectedAtStart");
    Objects.requireNonNull(expectedNow, "expectedNow");
    Objects.requireNonNull(basis, "basis");
    Instant bound = madeAt.isAfter(latestStart) ? madeAt : latestStart;
    if (start.isBefore(madeAt) || start.isAfter(bound)) {
      throw new IllegalArgumentException(
          "start " + start + " must be from " + madeAt + " to the latest start " + bound);
    }
  }

  /**
   * Whether a queue that looks again in {@code interval} must start the job now: its start has
   * come, or waiting one more interval would pass the latest feasible start.
   */
  public boolean due(Duration interval) {
    return !start.isAfter(madeAt) || madeAt.plus(interval).isAfter(latestStart);
  }

  /** The change of expected intensity from starting now to starting at {@link #start}, percent. */
  public OptionalDouble changePercent() {
    if (expectedAtStart.isEmpty() || expectedNow.isEmpty() || expectedNow.getAsDouble() <= 0) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of((expectedAtStart.getAsDouble() - expectedNow.getAsDouble()) / expectedNow.getAsDouble() * 100);
  }
}
