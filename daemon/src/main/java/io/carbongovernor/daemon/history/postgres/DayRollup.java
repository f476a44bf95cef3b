package io.carbongovernor.daemon.history.postgres;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The rules the fleet's day rollup ({@link FleetMaintenance#rollUpDays}) writes by and readers
 * ({@link PostgresRollupReader}) rely on: which whole UTC days {@code energy_day} holds exactly as
 * the sum of their hour rows.
 *
 * <p>A run at {@code now} recomputes every day that has ended by {@code now} and has an hour row
 * sent after the previous run's {@code now} less {@link #MARGIN}, and records {@code now} in
 * {@code rollup_progress}. A reader takes a day from {@code energy_day} only when it ended before
 * the recorded run and none of its hour rows was sent after that run less the margin; every
 * other day it sums from the hour rows. So a report equals one read from the hour rows alone,
 * whether or not the rollup ran, and late hours (a spool draining after an outage) count at once.
 */
final class DayRollup {

  /** The row of {@code rollup_progress} the day rollup keeps. */
  static final String PROGRESS_KEY = "energy_day";

  /** Milliseconds per UTC day, in SQL. */
  static final String DAY_MS = "86400000";

  /**
   * How far before the previous run a sent hour may still be unseen by it. A sender stamps a row
   * before its transaction commits, so a row can become visible after a run with an older stamp
   * than rows that run saw; a send is bounded by the connection's timeouts (under a minute), and
   * the hour also absorbs the clock error of a node that stamps its rows itself. Re-reading an
   * hour of sends per run costs little: a range of the {@code energy_hour_by_update} index.
   */
  static final Duration MARGIN = Duration.ofHours(1);

  private DayRollup() {}

  /** The start of the UTC day {@code t} falls in. */
  static Instant dayStart(Instant t) {
    return t.truncatedTo(ChronoUnit.DAYS);
  }
}
