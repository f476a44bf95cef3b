package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The carbon intensity of one time slot {@code [start, end)} in one zone, as one source reported
 * it.
 */
public record CarbonSignal(
    String zone,
    Instant start,
    Instant end,
    CarbonIntensity intensity,
    SignalKind kind,
    String source,
    boolean estimated) {

  public CarbonSignal {
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(intensity, "intensity");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(source, "source");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("slot end " + end + " is not after its start " + start);
    }
  }

  public Duration length() {
    return Duration.between(start, end);
  }

  /**
   * The slots of {@code inOrder} (by start, oldest first) that start at or after {@code from}: a
   * view, found by bisection.
   */
  public static List<CarbonSignal> startingFrom(List<CarbonSignal> inOrder, Instant from) {
    int lo = 0;
    int hi = inOrder.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (inOrder.get(mid).start().isBefore(from)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return inOrder.subList(lo, inOrder.size());
  }

  /** Whether {@code instant} falls inside this slot. */
  public boolean covers(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  /** How old this signal is at {@code now}: zero while the slot is current, else time since its end. */
  public Duration ageAt(Instant now) {
    return now.isBefore(end) ? Duration.ZERO : Duration.between(end, now);
  }
}
