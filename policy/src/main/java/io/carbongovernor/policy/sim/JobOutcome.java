package io.carbongovernor.policy.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One simulated job: when it started and finished, the carbon it emitted and the energy it drew.
 *
 * @param grams emissions, gCO2eq
 * @param joules energy drawn by the GPU
 */
public record JobOutcome(Instant start, Instant finish, double grams, double joules) {
  public JobOutcome {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(finish, "finish");
    if (finish.isBefore(start)) {
      throw new IllegalArgumentException("finish " + finish + " is before start " + start);
    }
  }

  public Duration time() {
    return Duration.between(start, finish);
  }

  public double hours() {
    return time().toNanos() / 3.6e12;
  }

  public double kilowattHours() {
    return joules / 3.6e6;
  }
}
