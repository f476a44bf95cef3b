package io.carbongovernor.carbon;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-source HTTP timeouts: to open the connection, between two reads of the response, and for a
 * whole call (one attempt, a slowly dripping body included).
 */
public record Timeouts(Duration connect, Duration read, Duration call) {

  /** Connect never waits longer than this, whatever the call timeout. */
  static final Duration MAX_CONNECT = Duration.ofSeconds(3);

  public Timeouts {
    for (Duration d : new Duration[] {connect, read, call}) {
      Objects.requireNonNull(d, "timeout");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive, got " + d);
      }
    }
  }

  /**
   * Timeouts derived from one per-call limit: the call and read timeouts are {@code call}, the
   * connect timeout the smaller of {@code call} and 3 s.
   */
  public static Timeouts of(Duration call) {
    return new Timeouts(min(call, MAX_CONNECT), call, call);
  }

  /** The default of HTTP sources: 10 s per call. */
  public static Timeouts defaults() {
    return of(Duration.ofSeconds(10));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
