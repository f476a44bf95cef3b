package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.RollupColumns;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fleet database's own upkeep, run by one node at a time: the day rollup that lets long
 * reports read days instead of hours ({@link DayRollup} says which days it completes), and
 * retention.
 *
 * <p>Retention on the fleet: raw samples and minutes as configured; hour rows, and the day rows
 * summed from them, of the whole UTC days that ended before the hours' retention (days are kept
 * exactly as long as hours, so a day row never outlives the hours it sums nor goes before
 * them); decisions, signals and gaps as long as hours, as they explain those hours. Deletes go
 * in batches of {@link #BATCH} rows, each its own transaction, so a prune never holds locks long.
 */
public final class FleetMaintenance implements AutoCloseable {

  /** Rows one delete removes; a few milliseconds of locks. */
  static final int BATCH = 10_000;

  /** A rollup of a year of fleet hours the first time is the longest statement here. */
  private static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(10);

  /** The advisory lock the day rollup holds for its transaction: "cgdayrol" in ASCII. */
  private static final long ROLLUP_LOCK = 0x6367646179726f6cL;

  private static final String DAY_COLUMNS = String.join(", ", RollupColumns.SUMMED);

  private final Connection db;

  private FleetMaintenance(Connection db) {
    this.db = db;
  }

  /** Connects to the fleet database as {@code login}, bringing its schema up to date first. */
  public static FleetMaintenance open(String jdbcUrl, DatabaseLogin login) throws SQLException {
    Connection db = PostgresConnections.open(jdbcUrl, login, STATEMENT_TIMEOUT.plusMinutes(1));
    try {
      Migrations.POSTGRESQL.migrate(db);
      try (Statement st = db.createStatement()) {
        st.execute("SET statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
      }
      return new FleetMaintenance(db);
    } catch (SQLException | RuntimeException e) {
      try {
        db.close();
      } catch (SQLException c) {
        e.addSuppressed(c);
      }
      throw e;
    }
  }

  /**
   * Recomputes energy_day for every UTC day whose hour rows changed since the last run; the days
   * recomputed. Only days that ended by {@code now} are summed: the current day is read from its
   * hours until it ends. Each run replaces whole days from their hours in one transaction, so a
   * second run at once leaves the tables as they were.
   */
  public int rollUpDays(Instant now) throws SQLException {
    long cutoff = DayRollup.dayStart(now).toEpochMilli();
    return PostgresTransactions.run(db, c -> {
      try (Statement st = c.createStatement()) {
        st.execute("SELECT pg_advisory_xact_lock(" + ROLLUP_LOCK + ")");
      }
      long previous = previousRun();
      List<Long> days = changedDays(previous, cutoff);
      if (!days.isEmpty()) {
        Array starts = c.createArrayOf("bigint", days.toArray());
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM energy_day WHERE bucket_ms = ANY(?)");
            PreparedStatement insert = c.prepareStatement(
                "INSERT INTO energy_day (bucket_ms, node, gpu_uuid, gpu_index, team, job, profile_source, "
                    + DAY_COLUMNS + ") SELECT d.start, h.node, h.gpu_uuid, min(h.gpu_index), h.team, h.job,"
                    + " h.profile_source, " + sums()
                    + " FROM unnest(?::bigint[]) AS d(start) JOIN energy_hour h"
                    + " ON h.bucket_ms >= d.start AND h.bucket_ms < d.start + " + DayRollup.DAY_MS
                    + " GROUP BY d.start, h.node, h.gpu_uuid, h.team, h.job, h.profile_source")) {
          delete.setArray(1, starts);
          delete.executeUpdate();
          insert.setArray(1, starts);
          insert.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rollup_progress (rollup, through_ms) VALUES (?, ?)"
          + " ON CONFLICT (rollup) DO UPDATE SET through_ms = EXCLUDED.through_ms")) {
        ps.setString(1, DayRollup.PROGRESS_KEY);
        ps.setLong(2, now.toEpochMilli());
        ps.executeUpdate();
      }
      return days.size();
    });
  }

  private static String sums() {
    return RollupColumns.SUMMED.stream().map(c -> "sum(h." + c + ")").collect(Collectors.joining(", "));
  }

  /** When the previous run was; 0 before the first. */
  private long previousRun() throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT through_ms FROM rollup_progress WHERE rollup = ? FOR UPDATE")) {
      ps.setString(1, DayRollup.PROGRESS_KEY);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * The starts of the days ended before {@code cutoff} that have an hour sent since the previous
   * run less the margin, or that ended since the previous run.
   */
  private List<Long> changedDays(long previous, long cutoff) throws SQLException {
    long day = Duration.ofDays(1).toMillis();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT bucket_ms / " + DayRollup.DAY_MS + " * " + DayRollup.DAY_MS + " AS d FROM energy_hour"
            + " WHERE updated_ms > ? AND bucket_ms < ?"
            + " UNION SELECT bucket_ms / " + DayRollup.DAY_MS + " * " + DayRollup.DAY_MS + " FROM energy_hour"
            + " WHERE bucket_ms >= ? AND bucket_ms < ? ORDER BY d")) {
      ps.setLong(1, previous - DayRollup.MARGIN.toMillis());
      ps.setLong(2, cutoff);
      ps.setLong(3, Math.floorDiv(previous, day) * day);
      ps.setLong(4, cutoff);
      List<Long> days = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          days.add(rs.getLong(1));
        }
      }
      return days;
    }
  }

  /**
   * Deletes rows of the fleet database older than retention allows as of now (raw, minute,
   * hour; day rows follow hours), in batches.
   */
  public void prune(Instant now, Retention retention) throws SQLException {
    if (retention.raw().isPresent()) {
      long cut = now.minus(retention.raw().get()).toEpochMilli();
      deleteInBatches("energy_raw", "start_ms < ? AND end_ms < ?", cut);
    }
    if (retention.minutes().isPresent()) {
      long cut = now.minus(retention.minutes().get()).toEpochMilli();
      deleteInBatches("energy_minute", "bucket_ms < ? AND bucket_ms + 60000 <= ?", cut);
    }
    Optional<Duration> hours = retention.hours();
    if (hours.isPresent()) {
      long cut = now.minus(hours.get()).toEpochMilli();
      long days = DayRollup.dayStart(now.minus(hours.get())).toEpochMilli();
      deleteInBatches("energy_hour", "bucket_ms < ?", days);
      deleteInBatches("energy_day", "bucket_ms < ?", days);
      deleteInBatches("decisions", "decided_at_ms < ?", cut);
      deleteInBatches("signals", "slot_end_ms < ? AND recorded_at_ms < ?", cut);
      deleteInBatches("gaps", "start_ms < ? AND end_ms < ?", cut);
    }
    if (retention.minutes().isPresent()) {
      // The audit of fleet job firings, one row a firing, is kept as long as minute rows.
      long cut = now.minus(retention.minutes().get()).toEpochMilli();
      deleteInBatches("fleet_job_runs", "started_ms < ? AND finished_ms IS NOT NULL", cut);
    }
  }

  /** Deletes the rows of {@code table} matching {@code where}, each of whose marks is {@code cut}. */
  private void deleteInBatches(String table, String where, long cut) throws SQLException {
    String sql = "DELETE FROM " + table + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM " + table + " WHERE " + where
        + " LIMIT " + BATCH + "))";
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      for (int i = 1; i <= where.length() - where.replace("?", "").length(); i++) {
        ps.setLong(i, cut);
      }
      while (ps.executeUpdate() == BATCH) {
        // Another batch, in its own transaction: the connection commits each statement.
      }
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // Each batch and rollup is committed or rolled back already; nothing is left to lose.
    }
  }
}
