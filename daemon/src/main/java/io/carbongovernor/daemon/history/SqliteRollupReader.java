package io.carbongovernor.daemon.history;

import io.carbongovernor.gpu.Energy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rollups of a SQLite history, opened read-only: a report runs while the daemon writes and
 * never takes the write lock; each query waits for a commit in progress (milliseconds). It is
 * one node's own history, so every row belongs to the node it was opened for: a report by node
 * has that one row, and a filter naming another node selects nothing.
 */
final class SqliteRollupReader implements RollupReader {

  private final Connection db;
  private final String node;

  private SqliteRollupReader(Connection db, String node) {
    this.db = db;
    this.node = node;
  }

  static SqliteRollupReader open(String jdbcUrl, String node) throws HistoryReadException {
    try {
      return new SqliteRollupReader(DriverManager.getConnection(readOnly(jdbcUrl)), node);
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

  @Override
  public List<Group> sumsBy(Key key, Filter filter) throws HistoryReadException {
    if (otherNode(filter)) {
      return List.of();
    }
    return query("SELECT " + keyExpression(key) + " AS k, " + RollupColumns.SUMS + ", group_concat(DISTINCT gpu_index)"
            + " FROM energy_hour WHERE " + where(filter) + " GROUP BY k ORDER BY " + orderExpression(key),
        filter, rs -> new Group(key == Key.NODE ? node : rs.getString(1),
            key == Key.GPU ? RollupColumns.indices(rs.getString(12)) : List.of(), RollupColumns.sums(rs, 2)));
  }

  @Override
  public Map<String, Energy> energyByProfileSource(Filter filter) throws HistoryReadException {
    Map<String, Energy> out = new LinkedHashMap<>();
    if (otherNode(filter)) {
      return out;
    }
    for (Map.Entry<String, Energy> e : query("SELECT profile_source, sum(energy_mj) FROM energy_hour WHERE "
        + where(filter) + " GROUP BY profile_source ORDER BY 2 DESC, 1", filter,
        rs -> Map.entry(rs.getString(1), Energy.ofMillijoules(rs.getLong(2))))) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public List<Bucket> buckets(Rollup rollup, Filter filter) throws HistoryReadException {
    if (otherNode(filter)) {
      return List.of();
    }
    String table = rollup == Rollup.MINUTE ? "energy_minute" : "energy_hour";
    String start = rollup == Rollup.DAY ? "bucket_ms / 86400000 * 86400000" : "bucket_ms";
    return query("SELECT " + start + " AS b, team, " + RollupColumns.SUMS + " FROM " + table + " WHERE " + where(filter)
            + " GROUP BY b, team ORDER BY b, team",
        filter, rs -> new Bucket(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), RollupColumns.sums(rs, 3)));
  }

  /** Whether the filter names a node other than this history's own. */
  private boolean otherNode(Filter filter) {
    return filter.node().isPresent() && !filter.node().get().equals(node);
  }

  private <T> List<T> query(String sql, Filter filter, RollupQuery.RowReader<T> reader) throws HistoryReadException {
    return RollupQuery.run(db, sql, ps -> bind(ps, filter), reader);
  }

  /** The SQL expression of the group key over a rollup table. */
  private static String keyExpression(Key key) {
    return switch (key) {
      case TEAM -> "team";
      case JOB -> "job";
      case GPU -> "gpu_uuid";
      case DAY -> "strftime('%Y-%m-%d', bucket_ms / 1000, 'unixepoch')";
      case NODE -> "''"; // one node: the reader names it
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

  @Override
  public void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // A read-only connection has nothing to lose; the report is already built.
    }
  }
}
