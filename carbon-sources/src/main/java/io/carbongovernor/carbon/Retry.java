package io.carbongovernor.carbon;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How an HTTP source retries: timeouts, connection resets and 5xx answers are retried up to
 * {@code maxAttempts} calls in all, with exponential backoff and jitter; a 429 waits its {@code
 * Retry-After} when that is at most {@code maxRetryAfter} (a longer wait fails the call as
 * rate-limited, so the cache waits instead of a thread). 400, 401, 403 and 404 are never retried.
 *
 * @param firstDelay the backoff before the second attempt, doubled for each further one
 * @param maxDelay the longest backoff
 * @param jitter a uniform random number in [0, 1): the backoff is {@code base * (0.5 + jitter/2)}
 */
public record Retry(
    int maxAttempts,
    Duration firstDelay,
    Duration maxDelay,
    Duration maxRetryAfter,
    Sleeper sleeper,
    DoubleSupplier jitter) {

  public Retry {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("at least one attempt, got " + maxAttempts);
    }
    Objects.requireNonNull(firstDelay, "firstDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    Objects.requireNonNull(sleeper, "sleeper");
    Objects.requireNonNull(jitter, "jitter");
  }

  /** Three attempts, 500 ms then 1 s backoff (at most 8 s), Retry-After up to 30 s; real sleeps. */
  public static Retry defaults() {
    return new Retry(
        3,
        Duration.ofMillis(500),
        Duration.ofSeconds(8),
        Duration.ofSeconds(30),
        Sleeper.real(),
        () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The same policy with another sleeper (tests record instead of sleeping). */
  public Retry withSleeper(Sleeper other) {
    return new Retry(maxAttempts, firstDelay, maxDelay, maxRetryAfter, other, jitter);
  }

  /** The same policy with another number of attempts. */
  public Retry withMaxAttempts(int attempts) {
    return new Retry(attempts, firstDelay, maxDelay, maxRetryAfter, sleeper, jitter);
  }

  /** The backoff after failed attempt number {@code attempt} (1-based). */
  Duration backoff(int attempt) {
    long base = firstDelay.toNanos();
    for (int i = 1; i < attempt && base < maxDelay.toNanos(); i++) {
      base *= 2;
    }
    base = Math.min(base, maxDelay.toNanos());
    double factor = 0.5 + Math.min(Math.max(jitter.getAsDouble(), 0.0), 1.0) / 2;
    return Duration.ofNanos((long) (base * factor));
  }
}
