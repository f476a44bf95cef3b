package io.carbongovernor.policy.defer;

import java.time.Duration;
import java.util.Objects;

/**
 * How a deferred job is planned.
 *
 * @param slowdown how much longer than its expected duration the power policy may make the job
 *     run, as a fraction (0.05: 5 %); the plan reserves that much time before the deadline
 * @param margin time kept free before the deadline on top of that, for an estimate that was short
 */
public record DeferSettings(double slowdown, Duration margin) {

  /** Forecast's default budget of 5 %, and a quarter of an hour. */
  public static final DeferSettings DEFAULTS = new DeferSettings(0.05, Duration.ofMinutes(15));

  public DeferSettings {
    Objects.requireNonNull(margin, "margin");
    if (!(slowdown >= 0 && slowdown <= 1)) {
      throw new IllegalArgumentException("slowdown must be from 0 to 1 (a fraction), got " + slowdown);
    }
    if (margin.isNegative()) {
      throw new IllegalArgumentException("margin must not be negative, got " + margin);
    }
  }

  public DeferSettings withSlowdown(double value) {
    return new DeferSettings(value, margin);
  }

  public DeferSettings withMargin(Duration value) {
    return new DeferSettings(slowdown, value);
  }

  /** The job's run time as planned: its expected duration at the policy's slowdown. */
  public Duration plannedRun(Duration expected) {
    return Duration.ofNanos(Math.round(expected.toNanos() * (1 + slowdown)));
  }
}
