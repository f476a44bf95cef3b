package io.carbongovernor.policy.defer;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A job waiting for its start.
 *
 * @param expected how long it runs at full speed
 * @param deadline when it must be done
 */
public record DeferredJob(Duration expected, Instant deadline) {
  public DeferredJob {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(deadline, "deadline");
    if (expected.isNegative() || expected.isZero()) {
      throw new IllegalArgumentException("expected duration must be positive, got " + expected);
    }
  }

  /**
   * The latest start that still finishes by the deadline at the policy's slowdown, with the
   * margin to spare. May lie in the past: then the job is already late and starts at once.
   */
  public Instant latestStart(DeferSettings settings) {
    return deadline.minus(settings.plannedRun(expected)).minus(settings.margin());
  }
}
