package io.carbongovernor.policy.batch;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Whether a running job should be stopped.
 *
 * @param stop true when its cost so far is past the threshold
 * @param costGrams its cost so far in grams-equivalent
 * @param thresholdGrams {@code beta} times the best finished run's cost at this run's intensity;
 *     empty while no run has reached the target (nothing to compare with: never stop)
 * @param reason one line for logs and the API
 */
public record StopAdvice(boolean stop, double costGrams, OptionalDouble thresholdGrams, String reason) {

  public StopAdvice {
    Objects.requireNonNull(thresholdGrams, "thresholdGrams");
    Objects.requireNonNull(reason, "reason");
  }
}
