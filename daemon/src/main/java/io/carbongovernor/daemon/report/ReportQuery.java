package io.carbongovernor.daemon.report;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Builds a {@link Report} from the hour rollups. The database is opened read-only, so a report
 * runs while the daemon writes and never takes the write lock; each query waits for a commit
 * in progress (milliseconds).
 */
public final class ReportQuery {

  private static final String SUMS =
      "coalesce(sum(samples),0), coalesce(sum(energy_mj),0), coalesce(sum(baseline_mj),0),"
          + " coalesce(sum(emissions_g),0), coalesce(sum(baseline_g),0), coalesce(sum(unknown_energy_mj),0),"
          + " coalesce(sum(limit_mw_ms),0), coalesce(sum(busy_ms),0), coalesce(sum(extra_ms),0),"
          + " coalesce(sum(throttled_ms),0)";

  private ReportQuery() {}

  /** The JDBC URL for reading a history URL without writing. */
  static String readOnly(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.contains("?")) {
      return jdbcUrl;
    }
    return "jdbc:sqlite:file:" + jdbcUrl.substring("jdbc:sqlite:".length()) + "?mode=ro";
  }

  public static Report run(
      String jdbcUrl, Instant from, Instant to, Optional<String> team, Optional<String> job, Breakdown by)
      throws SQLException {
    try (Connection db = DriverManager.getConnection(readOnly(jdbcUrl))) {
      String where = "bucket_ms >= ? AND bucket_ms < ?" + (team.isPresent() ? " AND team = ?" : "")
          + (job.isPresent() ? " AND job = ?" : "");
      Totals totals = Totals.ZERO;
      List<Report.Row> rows = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT " + by.keyExpression() + " AS k, " + SUMS + " FROM energy_hour WHERE " + where
              + " GROUP BY k ORDER BY k")) {
        bind(ps, from, to, team, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Totals t = totals(rs, 2);
            rows.add(new Report.Row(rs.getString(1), t));
            totals = totals.plus(t);
          }
        }
      }
      List<Report.HourPoint> hours = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT bucket_ms, sum(emissions_g), sum(energy_mj - unknown_energy_mj), sum(limit_mw_ms), sum(busy_ms)"
              + " FROM energy_hour WHERE " + where + " GROUP BY bucket_ms ORDER BY bucket_ms")) {
        bind(ps, from, to, team, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            double knownKwh = rs.getLong(3) / 3.6e9;
            long busy = rs.getLong(5);
            hours.add(new Report.HourPoint(
                Instant.ofEpochMilli(rs.getLong(1)),
                knownKwh > 0 ? rs.getDouble(2) / knownKwh : Double.NaN,
                busy > 0 ? rs.getDouble(4) / busy / 1000.0 : Double.NaN));
          }
        }
      }
      Map<String, List<Report.DayPoint>> avoided = new TreeMap<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT team, strftime('%Y-%m-%d', bucket_ms / 1000, 'unixepoch') AS d, sum(baseline_g - emissions_g)"
              + " FROM energy_hour WHERE " + where + " GROUP BY team, d ORDER BY team, d")) {
        bind(ps, from, to, team, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            avoided.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                .add(new Report.DayPoint(rs.getString(2), rs.getDouble(3)));
          }
        }
      }
      Map<String, Double> sources = new LinkedHashMap<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT profile_source, sum(energy_mj) FROM energy_hour WHERE " + where
              + " GROUP BY profile_source ORDER BY 2 DESC")) {
        bind(ps, from, to, team, job);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sources.put(rs.getString(1), totals.energyMj() > 0 ? rs.getLong(2) / (double) totals.energyMj() : 0.0);
          }
        }
      }
      return new Report(from, to, team, job, by, totals, rows, hours, avoided, sources);
    }
  }

  private static void bind(PreparedStatement ps, Instant from, Instant to, Optional<String> team, Optional<String> job)
      throws SQLException {
    int i = 1;
    ps.setLong(i++, from.toEpochMilli());
    ps.setLong(i++, to.toEpochMilli());
    if (team.isPresent()) {
      ps.setString(i++, team.get());
    }
    if (job.isPresent()) {
      ps.setString(i, job.get());
    }
  }

  private static Totals totals(ResultSet rs, int c) throws SQLException {
    return new Totals(
        rs.getLong(c), rs.getLong(c + 1), rs.getLong(c + 2), rs.getDouble(c + 3), rs.getDouble(c + 4),
        rs.getLong(c + 5), rs.getDouble(c + 6), rs.getLong(c + 7), rs.getLong(c + 8), rs.getLong(c + 9));
  }
}
