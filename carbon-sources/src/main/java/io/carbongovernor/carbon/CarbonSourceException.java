package io.carbongovernor.carbon;

import java.time.Duration;
import java.util.Optional;

/** The one failure type of every {@link CarbonSource}; its {@link Kind} says what went wrong. */
public final class CarbonSourceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What kind of failure, so that callers decide whether to retry, fall back or give up. */
  public enum Kind {
    AUTH,
    NOT_FOUND,
    RATE_LIMITED,
    UNAVAILABLE,
    BAD_RESPONSE
  }

  /**
   * The longest wait a rate limit is kept for. A provider's longer Retry-After (a day, or
   * 999999999999 seconds, past what nanosecond arithmetic holds) is cut to it: the source rests
   * that long, then is asked again, rather than never or at once.
   */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final Kind kind;
  private final String source;
  private final transient Duration retryAfter;

  public CarbonSourceException(Kind kind, String source, String message) {
    this(kind, source, message, null, null);
  }

  public CarbonSourceException(
      Kind kind, String source, String message, Duration retryAfter, Throwable cause) {
    super(source + ": " + message, cause);
    this.kind = kind;
    this.source = source;
    this.retryAfter = retryAfter == null ? null : bounded(retryAfter);
  }

  private static Duration bounded(Duration wait) {
    if (wait.isNegative()) {
      return Duration.ZERO;
    }
    return wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait;
  }

  public Kind kind() {
    return kind;
  }

  public String source() {
    return source;
  }

  /**
   * For {@link Kind#RATE_LIMITED}: how long the provider asked us to wait, when it said; at most
   * {@link #MAX_RETRY_AFTER}.
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
