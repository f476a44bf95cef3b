package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.HistoryException;
import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.history.RollupColumns;
import io.carbongovernor.daemon.history.RollupQuery;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.gpu.Energy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollups of a fleet's PostgreSQL history, on a connection that cannot write and whose
 * every statement is bounded in time. Sums and day buckets read the day rollup for the whole UTC
 * days it has completed ({@link DayRollup}) and the hour rows for the rest, so a year's report
 * reads days, not hours, and equals one read from the hours alone. Keys sort by their UTF-8
 * bytes, as in a node's own history.
 */
public final class PostgresRollupReader implements RollupReader {

  /** The longest one query may run before the server cancels it. */
  static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(2);

  /** Beyond the statement timeout, so a database that stops answering fails the read too. */
  private static final Duration SOCKET_TIMEOUT = STATEMENT_TIMEOUT.plusSeconds(30);

  private static final String COLUMNS = "bucket_ms, node, gpu_uuid, gpu_index, team, job, profile_source, "
      + String.join(", ", RollupColumns.SUMMED);

  private final Connection db;

  private PostgresRollupReader(Connection db) {
    this.db = db;
  }

  /**
   * Opens the fleet history behind {@code jdbcUrl} as {@code login}, read-only.
   *
   * @throws HistoryReadException when the database cannot be reached, holds no carbon-governor
   *     history, or has a schema newer than this build; the message names the URL without secrets
   */
  public static PostgresRollupReader open(String jdbcUrl, DatabaseLogin login) throws HistoryReadException {
    Connection db;
    try {
      db = PostgresConnections.open(jdbcUrl, login, SOCKET_TIMEOUT);
    } catch (SQLException e) {
      throw new HistoryReadException(e.getMessage(), e);
    }
    try {
      try (Statement st = db.createStatement()) {
        st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
        st.execute("SET statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
      }
      if (!hasHistory(db)) {
        throw new HistoryReadException(
            "no carbon-governor history at " + PostgresConnections.redacted(jdbcUrl), null);
      }
      return new PostgresRollupReader(db);
    } catch (SQLException | HistoryException | HistoryReadException e) {
      try {
        db.close();
      } catch (SQLException c) {
        e.addSuppressed(c);
      }
      if (e instanceof HistoryReadException r) {
        throw r;
      }
      throw new HistoryReadException(e.getMessage(), e);
    }
  }

  /**
   * Whether the database holds a fleet history this build can read.
   *
   * @throws HistoryException when its schema is newer than this build
   */
  private static boolean hasHistory(Connection db) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery("SELECT to_regclass('schema_version') IS NOT NULL"
            + " AND to_regclass('energy_hour') IS NOT NULL")) {
      if (!rs.next() || !rs.getBoolean(1)) {
        return false;
      }
    }
    return Migrations.POSTGRESQL.currentVersion(db) > 0;
  }

  @Override
  public List<Group> sumsBy(Key key, Filter filter) throws HistoryReadException {
    Sql sql = rows(filter);
    if (key == Key.GPU) {
      // The indices of every hour row, not only of the hours outside whole days: a GPU's index
      // can change within a day, and its day row keeps one.
      sql.add(", sums AS (SELECT gpu_uuid COLLATE \"C\" AS k, " + RollupColumns.SUMS + " FROM r GROUP BY gpu_uuid),"
          + " idx AS (SELECT gpu_uuid COLLATE \"C\" AS k, string_agg(DISTINCT gpu_index::text, ',') AS i, min(gpu_index) AS m"
          + " FROM (SELECT gpu_uuid, gpu_index FROM r UNION ALL SELECT gpu_uuid, gpu_index FROM energy_hour"
          + " WHERE bucket_ms >= ? AND bucket_ms < ?", filter.from().toEpochMilli(), filter.to().toEpochMilli());
      sql.filter(filter);
      sql.add(") x GROUP BY gpu_uuid)"
          + " SELECT sums.*, idx.i FROM sums JOIN idx USING (k) ORDER BY idx.m, sums.k");
    } else {
      sql.add(" SELECT " + keyExpression(key) + " COLLATE \"C\" AS k, " + RollupColumns.SUMS + ", NULL FROM r"
          + " GROUP BY k ORDER BY k");
    }
    return query(sql, rs -> new Group(rs.getString(1),
        key == Key.GPU ? RollupColumns.indices(rs.getString(12)) : List.of(), RollupColumns.sums(rs, 2)));
  }

  @Override
  public Map<String, Energy> energyByProfileSource(Filter filter) throws HistoryReadException {
    Sql sql = rows(filter);
    sql.add(" SELECT profile_source COLLATE \"C\" AS p, sum(energy_mj) FROM r GROUP BY p"
        + " ORDER BY 2 DESC, p");
    Map<String, Energy> out = new LinkedHashMap<>();
    for (Map.Entry<String, Energy> e :
        query(sql, rs -> Map.entry(rs.getString(1), Energy.ofMillijoules(rs.getLong(2))))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public List<Bucket> buckets(Rollup rollup, Filter filter) throws HistoryReadException {
    Sql sql;
    if (rollup == Rollup.DAY) {
      sql = rows(filter);
      sql.add(" SELECT bucket_ms / " + DayRollup.DAY_MS + " * " + DayRollup.DAY_MS + " AS b, team COLLATE \"C\" AS t, "
          + RollupColumns.SUMS + " FROM r");
    } else {
      sql = new Sql();
      sql.add("SELECT bucket_ms AS b, team COLLATE \"C\" AS t, " + RollupColumns.SUMS + " FROM "
          + (rollup == Rollup.MINUTE ? "energy_minute" : "energy_hour")
          + " WHERE bucket_ms >= ? AND bucket_ms < ?", filter.from().toEpochMilli(), filter.to().toEpochMilli());
      sql.filter(filter);
    }
    sql.add(" GROUP BY b, t ORDER BY b, t");
    return query(sql, rs -> new Bucket(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), RollupColumns.sums(rs, 3)));
  }

  /**
   * What of {@code [from, to)} the day rollup covers: the whole UTC days {@code [wholeFrom,
   * wholeTo)} it has completed, less the stale days in them (an hour sent since its last run less
   * the margin may be missing from their day rows).
   */
  private record Coverage(long from, long to, long wholeFrom, long wholeTo, List<Long> staleDays) {

    /** The ranges of hour rows to read: everything the day rows do not cover. */
    List<long[]> hourRanges() {
      List<long[]> ranges = new ArrayList<>();
      if (wholeTo <= wholeFrom) {
        ranges.add(new long[] {from, to});
        return ranges;
      }
      if (from < wholeFrom) {
        ranges.add(new long[] {from, wholeFrom});
      }
      if (wholeTo < to) {
        ranges.add(new long[] {wholeTo, to});
      }
      for (long day : staleDays) {
        ranges.add(new long[] {day, day + Duration.ofDays(1).toMillis()});
      }
      return ranges;
    }
  }

  /**
   * Two small reads before a report's query: how far the day rollup has run, and which of its
   * days got hours since (through the index on {@code updated_ms}). The report's query then reads
   * days and hours by plain ranges of the primary key, so the planner never filters every hour
   * of the range out one by one.
   */
  private Coverage coverage(Filter filter) throws HistoryReadException {
    long from = filter.from().toEpochMilli();
    long to = filter.to().toEpochMilli();
    long day = Duration.ofDays(1).toMillis();
    long firstWholeDay = Math.floorDiv(from + day - 1, day) * day;
    long endOfWholeDays = Math.floorDiv(to, day) * day;
    Sql progress = new Sql();
    progress.add("SELECT coalesce(max(through_ms), 0) FROM rollup_progress WHERE rollup = ?", DayRollup.PROGRESS_KEY);
    long through = query(progress, rs -> rs.getLong(1)).get(0);
    long wholeTo = Math.min(endOfWholeDays, Math.floorDiv(through, day) * day);
    if (through == 0 || wholeTo <= firstWholeDay) {
      return new Coverage(from, to, firstWholeDay, firstWholeDay, List.of());
    }
    Sql stale = new Sql();
    stale.add("SELECT DISTINCT bucket_ms / " + day + " * " + day + " FROM energy_hour WHERE updated_ms > ?"
        + " AND bucket_ms >= ? AND bucket_ms < ? ORDER BY 1", through - DayRollup.MARGIN.toMillis(), firstWholeDay,
        wholeTo);
    return new Coverage(from, to, firstWholeDay, wholeTo, query(stale, rs -> rs.getLong(1)));
  }

  /**
   * A query that starts with {@code r}: the day rows of the whole days in the filter's range that
   * the day rollup completed, and the hour rows of the rest of the range.
   */
  private Sql rows(Filter filter) throws HistoryReadException {
    Coverage coverage = coverage(filter);
    Sql sql = new Sql();
    sql.add("WITH r AS (");
    String union = "";
    if (coverage.wholeTo() > coverage.wholeFrom()) {
      StringBuilder notStale = new StringBuilder();
      for (long d : coverage.staleDays()) {
        notStale.append(" AND bucket_ms <> ").append(d);
      }
      sql.add("SELECT " + COLUMNS + " FROM energy_day WHERE bucket_ms >= ? AND bucket_ms < ?" + notStale,
          coverage.wholeFrom(), coverage.wholeTo());
      sql.filter(filter);
      union = " UNION ALL ";
    }
    for (long[] range : coverage.hourRanges()) {
      sql.add(union + "SELECT " + COLUMNS + " FROM energy_hour WHERE bucket_ms >= ? AND bucket_ms < ?",
          Math.max(range[0], coverage.from()), Math.min(range[1], coverage.to()));
      sql.filter(filter);
      union = " UNION ALL ";
    }
    sql.add(")");
    return sql;
  }

  private static String keyExpression(Key key) {
    return switch (key) {
      case TEAM -> "team";
      case JOB -> "job";
      case GPU -> "gpu_uuid";
      case DAY -> "to_char(to_timestamp(bucket_ms / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')";
      case NODE -> "node";
    };
  }

  private <T> List<T> query(Sql sql, RollupQuery.RowReader<T> reader) throws HistoryReadException {
    return RollupQuery.run(db, sql.text.toString(), ps -> {
      for (int i = 0; i < sql.params.size(); i++) {
        ps.setObject(i + 1, sql.params.get(i));
      }
    }, reader);
  }

  /** SQL text and its parameters, in the order they appear. */
  private static final class Sql {
    private final StringBuilder text = new StringBuilder();
    private final List<Object> params = new ArrayList<>();

    void add(String sql, Object... values) {
      text.append(sql);
      params.addAll(List.of(values));
    }

    /** The filter's team, job and node, on a table already restricted to its range. */
    void filter(Filter filter) {
      filter.team().ifPresent(t -> add(" AND team = ?", t));
      filter.job().ifPresent(j -> add(" AND job = ?", j));
      filter.node().ifPresent(n -> add(" AND node = ?", n));
    }
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // A read-only connection has nothing to lose; the report is already built.
    }
  }
}
