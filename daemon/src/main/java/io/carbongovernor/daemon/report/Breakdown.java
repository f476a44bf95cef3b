package io.carbongovernor.daemon.report;

import java.util.Locale;

/** What a report's rows are grouped by. */
public enum Breakdown {
  TEAM,
  JOB,
  GPU,
  DAY;

  /**
   * The key of energy drawn outside any registered job, in every format. Job names start with a
   * letter or digit, so no job can be called this.
   */
  public static final String NO_JOB = "(no job)";

  /** The SQL expression of the group key over a rollup table. */
  String keyExpression() {
    return switch (this) {
      case TEAM -> "team";
      case JOB -> "CASE WHEN job = '' THEN '" + NO_JOB + "' ELSE job END";
      case GPU -> "gpu_uuid";
      case DAY -> "strftime('%Y-%m-%d', bucket_ms / 1000, 'unixepoch')";
    };
  }

  /** The SQL order of the groups: GPUs by index, as nvidia-smi lists them; the rest by key. */
  String orderExpression() {
    return this == GPU ? "min(gpu_index), k" : "k";
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
