package io.carbongovernor.carbon;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link CarbonSources#cached cached} source keeps answers.
 *
 * @param refreshAfter an answer older than this is refreshed in the background on its next use,
 *     while the cached one is still served
 * @param expireAfter the last good answer is served (through failing refreshes) at most this long
 *     after it was fetched
 * @param failureRetry after a failed fetch with nothing cached, that failure is answered for this
 *     long before the upstream is asked again (a 429's Retry-After, when longer, wins)
 */
public record CacheOptions(Duration refreshAfter, Duration expireAfter, Duration failureRetry) {

  public CacheOptions {
    Objects.requireNonNull(refreshAfter, "refreshAfter");
    Objects.requireNonNull(expireAfter, "expireAfter");
    Objects.requireNonNull(failureRetry, "failureRetry");
    if (refreshAfter.isNegative() || refreshAfter.isZero() || failureRetry.isNegative() || failureRetry.isZero()) {
      throw new IllegalArgumentException("refresh and failure-retry periods must be positive");
    }
    if (expireAfter.compareTo(refreshAfter) <= 0) {
      throw new IllegalArgumentException(
          "expire-after (" + expireAfter + ") must be longer than refresh-after (" + refreshAfter + ")");
    }
  }

  /** Refresh after 5 minutes, keep the last good answer 2 hours, retry failures after 30 s. */
  public static CacheOptions defaults() {
    return new CacheOptions(Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofSeconds(30));
  }
}
