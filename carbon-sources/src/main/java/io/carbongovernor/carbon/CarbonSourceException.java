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
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  public String source() {
    return source;
  }

  /** For {@link Kind#RATE_LIMITED}: how long the provider asked us to wait, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
