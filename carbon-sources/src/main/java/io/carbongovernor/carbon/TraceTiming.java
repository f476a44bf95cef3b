package io.carbongovernor.carbon;

/** How the timestamps of a {@link CarbonSources#trace trace source} relate to the real clock. */
public enum TraceTiming {
  /**
   * The present is mapped onto the same month, day and time of day (UTC) in the trace's year, and
   * the year replays every year; the signals returned are shifted back onto the real timeline.
   * Used by the demo config, where a 2023 trace stands in for a live provider.
   */
  YEAR_ALIGNED,
  /** Trace timestamps are real timestamps: for replays of a past period and for the simulator. */
  ABSOLUTE
}
