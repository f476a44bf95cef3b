package io.carbongovernor.gpu;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed GPU is tried again: {@code first} after the failure, then twice as long after
 * each failed attempt, never longer than {@code max}. Reads no clock; not thread-safe.
 */
public final class RetryBackoff {

  private final Duration max;
  private Duration wait;
  private Instant next;

  public RetryBackoff(Duration first, Duration max, Instant failedAt) {
    this.max = max;
    this.wait = first;
    this.next = failedAt.plus(first);
  }

  /** Another attempt failed at {@code now}: wait twice as long. */
  public void failedAgain(Instant now) {
    Duration doubled = wait.multipliedBy(2);
    wait = doubled.compareTo(max) > 0 ? max : doubled;
    next = now.plus(wait);
  }

  public boolean due(Instant now) {
    return !now.isBefore(next);
  }

  public Instant next() {
    return next;
  }
}
