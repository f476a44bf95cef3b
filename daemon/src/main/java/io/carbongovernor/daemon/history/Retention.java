package io.carbongovernor.daemon.history;

import java.time.Duration;
import java.util.Optional;

/**
 * How long each resolution of energy history is kept; empty keeps it forever. Defaults: raw
 * samples 7 days, minutes 90 days, hours forever.
 */
public record Retention(Duration raw, Duration minutes, Optional<Duration> hours) {
  public static final Retention DEFAULT = new Retention(Duration.ofDays(7), Duration.ofDays(90), Optional.empty());
}
