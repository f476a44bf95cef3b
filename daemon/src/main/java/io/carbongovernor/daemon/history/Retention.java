package io.carbongovernor.daemon.history;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How long each resolution of energy history is kept; empty keeps it forever. A coarser
 * resolution is kept at least as long as a finer one, so pruning never leaves a period that only
 * raw rows describe without their rollups. Defaults: raw samples 7 days, minutes 90 days, hours
 * forever.
 */
public record Retention(Optional<Duration> raw, Optional<Duration> minutes, Optional<Duration> hours) {

  public static final Retention DEFAULT =
      new Retention(Optional.of(Duration.ofDays(7)), Optional.of(Duration.ofDays(90)), Optional.empty());

  /**
   * @throws IllegalArgumentException when a duration is not positive, or minutes are kept shorter
   *     than raw samples, or hours shorter than minutes
   */
  public Retention {
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(minutes, "minutes");
    Objects.requireNonNull(hours, "hours");
    for (Optional<Duration> d : List.of(raw, minutes, hours)) {
      if (d.isPresent() && (d.get().isNegative() || d.get().isZero())) {
        throw new IllegalArgumentException("retention must be positive, got " + d.get());
      }
    }
    if (shorter(minutes, raw)) {
      throw new IllegalArgumentException("minutes must be kept at least as long as raw samples");
    }
    if (shorter(hours, minutes)) {
      throw new IllegalArgumentException("hours must be kept at least as long as minutes");
    }
  }

  /** Whether {@code a} keeps less than {@code b}; empty is forever. */
  public static boolean shorter(Optional<Duration> a, Optional<Duration> b) {
    return a.isPresent() && (b.isEmpty() || a.get().compareTo(b.get()) < 0);
  }
}
