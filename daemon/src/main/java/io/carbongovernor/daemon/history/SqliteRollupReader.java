package io.carbongovernor.daemon.history;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.policy.batch.Emissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollups of a SQLite history, opened read-only: a report runs while the daemon writes and
 * never takes the write lock; each query waits for a commit in progress (milliseconds).
 */
final class SqliteRollupReader implements RollupReader {

  private static final String SUMS =
      "coalesce(sum(samples),0), coalesce(sum(energy_mj),0), coalesce(sum(baseline_mj),0),"
          + " coalesce(sum(emissions_g),0), coalesce(sum(baseline_g),0), coalesce(sum(unknown_energy_mj),0),"
          + " coalesce(sum(limit_mw_ms),0), coalesce(sum(busy_ms),0), coalesce(sum(extra_ms),0),"
          + " coalesce(sum(throttled_ms),0)";

  private final Connection db;

  private SqliteRollupReader(Connection db) {
    this.db = db;
  }

  static SqliteRollupReader open(String jdbcUrl) throws HistoryReadException {
    try {
      return new SqliteRollupReader(DriverManager.getConnection(readOnly(jdbcUrl)));
    } catch (SQLException e) {
      throw new HistoryReadException(e.getMessage(), e);
    }
  }

  /** The JDBC URL for reading a history URL without writing. */
  static String readOnly(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.contains("?")) {
      return jdbcUrl;
    }
    return "jdbc:sqlite:file:" + jdbcUrl.substring("jdbc:sqlite:".length()) + "?mode=ro";
  }

  /** A query's rows, one result each. */
  private interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  @Override
  public List<Group> sumsBy(Key key, Filter filter) throws HistoryReadException {
    return query("SELECT " + keyExpression(key) + " AS k, " + SUMS + ", group_concat(DISTINCT gpu_index)"
            + " FROM energy_hour WHERE " + where(filter) + " GROUP BY k ORDER BY " + orderExpression(key),
        filter, rs -> new Group(rs.getString(1), key == Key.GPU ? indices(rs.getString(12)) : List.of(), sums(rs, 2)));
  }

  @Override
  public Map<String, Energy> energyByProfileSource(Filter filter) throws HistoryReadException {
    Map<String, Energy> out = new LinkedHashMap<>();
    for (Map.Entry<String, Energy> e : query("SELECT profile_source, sum(energy_mj) FROM energy_hour WHERE "
        + where(filter) + " GROUP BY profile_source ORDER BY 2 DESC", filter,
        rs -> Map.entry(rs.getString(1), Energy.ofMillijoules(rs.getLong(2))))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public List<Bucket> buckets(Rollup rollup, Filter filter) throws HistoryReadException {
    String table = rollup == Rollup.MINUTE ? "energy_minute" : "energy_hour";
    return query("SELECT bucket_ms, team, " + SUMS + " FROM " + table + " WHERE " + where(filter)
            + " GROUP BY bucket_ms, team ORDER BY bucket_ms, team",
        filter, rs -> new Bucket(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), sums(rs, 3)));
  }

  /**
   * Runs one query. A value that breaks a unit's bounds (a negative energy, written by something
   * other than the daemon) fails the read, named, rather than make a report of it.
   */
  private <T> List<T> query(String sql, Filter filter, RowReader<T> reader) throws HistoryReadException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      bind(ps, filter);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryReadException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new HistoryReadException("the history holds a value out of range: " + e.getMessage(), e);
    }
  }

  /** The SQL expression of the group key over a rollup table. */
  private static String keyExpression(Key key) {
    return switch (key) {
      case TEAM -> "team";
      case JOB -> "job";
      case GPU -> "gpu_uuid";
      case DAY -> "strftime('%Y-%m-%d', bucket_ms / 1000, 'unixepoch')";
    };
  }

  private static String orderExpression(Key key) {
    return key == Key.GPU ? "min(gpu_index), k" : "k";
  }

  private static String where(Filter filter) {
    return "bucket_ms >= ? AND bucket_ms < ?" + (filter.team().isPresent() ? " AND team = ?" : "")
        + (filter.job().isPresent() ? " AND job = ?" : "");
  }

  private static void bind(PreparedStatement ps, Filter filter) throws SQLException {
    int i = 1;
    ps.setLong(i++, filter.from().toEpochMilli());
    ps.setLong(i++, filter.to().toEpochMilli());
    if (filter.team().isPresent()) {
      ps.setString(i++, filter.team().get());
    }
    if (filter.job().isPresent()) {
      ps.setString(i, filter.job().get());
    }
  }

  private static List<Integer> indices(String concatenated) {
    if (concatenated == null || concatenated.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(concatenated.split(",")).map(Integer::valueOf).sorted().toList();
  }

  private static RollupSums sums(ResultSet rs, int c) throws SQLException {
    return new RollupSums(
        rs.getLong(c),
        Energy.ofMillijoules(rs.getLong(c + 1)),
        Energy.ofMillijoules(rs.getLong(c + 2)),
        Emissions.ofGrams(rs.getDouble(c + 3)),
        Emissions.ofGrams(rs.getDouble(c + 4)),
        Energy.ofMillijoules(rs.getLong(c + 5)),
        rs.getDouble(c + 6),
        Duration.ofMillis(rs.getLong(c + 7)),
        Duration.ofMillis(rs.getLong(c + 8)),
        Duration.ofMillis(rs.getLong(c + 9)));
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
