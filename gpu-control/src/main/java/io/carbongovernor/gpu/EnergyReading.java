package io.carbongovernor.gpu;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link EnergyMeter} made of one reading.
 *
 * @param delta energy drawn since the previous reading of the GPU
 * @param total energy drawn since the meter's first reading of the GPU
 * @param interval time since the previous reading
 */
public record EnergyReading(Energy delta, Energy total, Source source, Duration interval) {

  /** Where {@code delta} came from. */
  public enum Source {
    /** The first reading of the GPU: the reference for the next, no energy yet. */
    FIRST,
    /** The difference of two energy-counter readings. */
    COUNTER,
    /** The counter went back (driver reload, GPU reset): the new reading, counted from zero. */
    COUNTER_RESET,
    /** No counter on one side: power integrated over the interval. */
    INTEGRATED,
    /** Older than the previous reading: nothing added. */
    OUT_OF_ORDER
  }

  public EnergyReading {
    Objects.requireNonNull(delta, "delta");
    Objects.requireNonNull(total, "total");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(interval, "interval");
  }
}
