package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How one source has been answering: for {@code status} and metrics.
 *
 * @param lastSuccess when a call last succeeded
 * @param lastFailure when a call last failed
 * @param lastError that failure's kind and message (never a secret)
 * @param consecutiveFailures failed calls since the last success
 * @param lastLatency how long the last call took, success or not
 * @param calls calls so far
 */
public record SourceHealth(
    String source,
    Optional<Instant> lastSuccess,
    Optional<Instant> lastFailure,
    Optional<String> lastError,
    int consecutiveFailures,
    Optional<Duration> lastLatency,
    long calls) {

  public SourceHealth {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(lastSuccess, "lastSuccess");
    Objects.requireNonNull(lastFailure, "lastFailure");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(lastLatency, "lastLatency");
  }

  static SourceHealth initial(String source) {
    return new SourceHealth(
        source, Optional.empty(), Optional.empty(), Optional.empty(), 0, Optional.empty(), 0);
  }

  /** Whether the last call succeeded (false before any call). */
  public boolean healthy() {
    return lastSuccess.isPresent() && consecutiveFailures == 0;
  }

  SourceHealth succeeded(Instant at, Duration latency) {
    return new SourceHealth(
        source, Optional.of(at), lastFailure, lastError, 0, Optional.of(latency), calls + 1);
  }

  SourceHealth failed(Instant at, Duration latency, String error) {
    return new SourceHealth(
        source,
        lastSuccess,
        Optional.of(at),
        Optional.of(error),
        consecutiveFailures + 1,
        Optional.of(latency),
        calls + 1);
  }
}
