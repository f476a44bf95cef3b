package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
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

  /** Whether {@code instant} falls inside this slot. */
  public boolean covers(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  /** How old this signal is at {@code now}: zero while the slot is current, else time since its end. */
  public Duration ageAt(Instant now) {
    return now.isBefore(end) ? Duration.ZERO : Duration.between(end, now);
  }
}
