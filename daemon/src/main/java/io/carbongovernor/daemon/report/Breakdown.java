package io.carbongovernor.daemon.report;

import io.carbongovernor.daemon.history.RollupReader;
import java.util.Locale;

/** What a report's rows are grouped by. */
public enum Breakdown {
  TEAM,
  JOB,
  GPU,
  DAY,
  /** The node that recorded the energy: its id in a fleet's history, the host name in a node's own. */
  NODE;

  /**
   * The key of energy drawn outside any registered job, in every format. Job names start with a
   * letter or digit, so no job can be called this.
   */
  public static final String NO_JOB = "(no job)";

  /** The history's key for these rows. */
  RollupReader.Key key() {
    return switch (this) {
      case TEAM -> RollupReader.Key.TEAM;
      case JOB -> RollupReader.Key.JOB;
      case GPU -> RollupReader.Key.GPU;
      case DAY -> RollupReader.Key.DAY;
      case NODE -> RollupReader.Key.NODE;
    };
  }

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
