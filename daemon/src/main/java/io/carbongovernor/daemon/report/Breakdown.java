package io.carbongovernor.daemon.report;

import java.util.Locale;

/** What a report's rows are grouped by. */
public enum Breakdown {
  TEAM("team"),
  JOB("job"),
  GPU("gpu_uuid"),
  DAY("day");

  private final String column;

  Breakdown(String column) {
    this.column = column;
  }

  /** The SQL expression of the group key over {@code energy_hour}. */
  String keyExpression() {
    return this == DAY ? "strftime('%Y-%m-%d', bucket_ms / 1000, 'unixepoch')" : column;
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
