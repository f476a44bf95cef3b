package io.carbongovernor.daemon.report;

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
import java.util.Optional;

/**
 * Builds a {@link Report} from the rollups. The database is opened read-only, so a report
 * runs while the daemon writes and never takes the write lock; each query waits for a commit
 * in progress (milliseconds). Totals and rows come from the hour rollups; the charts of a short
 * history come from the minute rollups of the same hours while retention still keeps them all.
 */
public final class ReportQuery {

  private static final String SUMS =
      "coalesce(sum(samples),0), coalesce(sum(energy_mj),0), coalesce(sum(baseline_mj),0),"
          + " coalesce(sum(emissions_g),0), coalesce(sum(baseline_g),0), coalesce(sum(unknown_energy_mj),0),"
          + " coalesce(sum(limit_mw_ms),0), coalesce(sum(busy_ms),0), coalesce(sum(extra_ms),0),"
          + " coalesce(sum(throttled_ms),0)";
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private ReportQuery() {}

  /** The JDBC URL for reading a history URL without writing. */
  static String readOnly(String jdbcUrl) {
    if (!jdbcUrl.startsWith("jdbc:sqlite:") || jdbcUrl.contains("?")) {
      return jdbcUrl;
    }
    return "jdbc:sqlite:file:" + jdbcUrl.substring("jdbc:sqlite:".length()) + "?mode=ro";
  }

  /** A report over {@code [from, to)}, labelled with the instants. */
  public static Report run(
      String jdbcUrl, Instant from, Instant to, Optional<String> team, Optional<String> job, Breakdown by)
      throws SQLException {
    return run(jdbcUrl, ReportRange.of(from, to), team, job, by);
  }

  public static Report run(
      String jdbcUrl, ReportRange range, Optional<String> team, Optional<String> job, Breakdown by)
      throws SQLException {
    try (Connection db = DriverManager.getConnection(readOnly(jdbcUrl))) {
      Filter filter = new Filter(range.from(), range.to(), team, job);
      Totals totals = Totals.ZERO;
      List<Report.Row> rows = new ArrayList<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT " + by.keyExpression() + " AS k, " + SUMS + ", group_concat(DISTINCT gpu_index) FROM energy_hour"
              + " WHERE " + filter.where() + " GROUP BY k ORDER BY " + by.orderExpression())) {
        filter.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Totals t = totals(rs, 2);
            List<Integer> indices = by == Breakdown.GPU ? indices(rs.getString(12)) : List.of();
            rows.add(new Report.Row(rs.getString(1), indices, t));
            totals = totals.plus(t);
          }
        }
      }
      Map<String, Double> sources = new LinkedHashMap<>();
      try (PreparedStatement ps = db.prepareStatement(
          "SELECT profile_source, sum(energy_mj) FROM energy_hour WHERE " + filter.where()
              + " GROUP BY profile_source ORDER BY 2 DESC")) {
        filter.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sources.put(rs.getString(1), totals.energyMj() > 0 ? rs.getLong(2) / (double) totals.energyMj() : 0.0);
          }
        }
      }
      return new Report(range, team, job, by, totals, rows, timeline(db, filter, totals), sources);
    }
  }

  /**
   * The history over time: from the minute rollups when the hours with history span at most
   * what {@link Resolution#MINUTE} covers and every one of their samples still has its minute
   * row, from the hour rollups otherwise.
   */
  private static Timeline timeline(Connection db, Filter filter, Totals totals) throws SQLException {
    List<Timeline.Bucket> hours = buckets(db, "energy_hour", filter);
    if (hours.isEmpty()) {
      return Timeline.EMPTY;
    }
    Instant first = hours.get(0).start();
    Instant last = hours.get(hours.size() - 1).start().plus(HOUR);
    if (Resolution.forSpan(Duration.between(first, last)) == Resolution.MINUTE) {
      // The minute rows of exactly the hours the totals cover, so chart and totals agree.
      List<Timeline.Bucket> minutes = buckets(db, "energy_minute", filter.between(first, last));
      long samples = minutes.stream().mapToLong(b -> b.totals().samples()).sum();
      if (samples == totals.samples()) {
        Instant start = minutes.get(0).start();
        Instant end = minutes.get(minutes.size() - 1).start().plus(MINUTE);
        return Timeline.of(Resolution.forSpan(Duration.between(start, end)), MINUTE, minutes);
      }
    }
    return Timeline.of(Resolution.forSpan(Duration.between(first, last)), HOUR, hours);
  }

  private static List<Timeline.Bucket> buckets(Connection db, String table, Filter filter) throws SQLException {
    List<Timeline.Bucket> buckets = new ArrayList<>();
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT bucket_ms, team, " + SUMS + " FROM " + table + " WHERE " + filter.where()
            + " GROUP BY bucket_ms, team ORDER BY bucket_ms, team")) {
      filter.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          buckets.add(new Timeline.Bucket(Instant.ofEpochMilli(rs.getLong(1)), rs.getString(2), totals(rs, 3)));
        }
      }
    }
    return buckets;
  }

  /** The rows a report reads: buckets starting in {@code [from, to)}, of a team and a job if given. */
  private record Filter(Instant from, Instant to, Optional<String> team, Optional<String> job) {

    String where() {
      return "bucket_ms >= ? AND bucket_ms < ?" + (team.isPresent() ? " AND team = ?" : "")
          + (job.isPresent() ? " AND job = ?" : "");
    }

    Filter between(Instant start, Instant end) {
      return new Filter(start, end, team, job);
    }

    void bind(PreparedStatement ps) throws SQLException {
      int i = 1;
      ps.setLong(i++, from.toEpochMilli());
      ps.setLong(i++, to.toEpochMilli());
      if (team.isPresent()) {
        ps.setString(i++, team.get());
      }
      if (job.isPresent()) {
        // Energy outside any job is stored with an empty job and shown as NO_JOB.
        ps.setString(i, job.get().equals(Breakdown.NO_JOB) ? "" : job.get());
      }
    }
  }

  private static List<Integer> indices(String concatenated) {
    if (concatenated == null || concatenated.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(concatenated.split(",")).map(Integer::valueOf).sorted().toList();
  }

  private static Totals totals(ResultSet rs, int c) throws SQLException {
    return new Totals(
        rs.getLong(c), rs.getLong(c + 1), rs.getLong(c + 2), rs.getDouble(c + 3), rs.getDouble(c + 4),
        rs.getLong(c + 5), rs.getDouble(c + 6), rs.getLong(c + 7), rs.getLong(c + 8), rs.getLong(c + 9));
  }
}
