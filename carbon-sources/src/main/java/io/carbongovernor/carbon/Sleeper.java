package io.carbongovernor.carbon;

import java.io.InterruptedIOException;
import java.time.Duration;

/** Waits between retries. Injected so that tests record the backoff instead of sleeping. */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits {@code duration}.
   *
   * @throws InterruptedIOException when the thread is interrupted while waiting
   */
  void sleep(Duration duration) throws InterruptedIOException;

  /** Really sleeps the calling thread. */
  static Sleeper real() {
    return duration -> {
      try {
        Thread.sleep(duration.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted during retry backoff");
      }
    };
  }
}
