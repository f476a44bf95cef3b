package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.history.DecisionRecord;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Rows for the fleet tests, and what a spool or the fleet database holds, read over their own connections. */
final class FleetRows {

  static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  static final Gpu GPU0 =
      new Gpu(0, "GPU-0", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  static final Gpu GPU1 =
      new Gpu(1, "GPU-1", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));

  /** The rollup columns both databases hold, in one order. */
  static final String ROLLUP =
      "bucket_ms, gpu_uuid, gpu_index, team, job, profile_source, samples, energy_mj, baseline_mj, emissions_g,"
          + " baseline_g, unknown_energy_mj, limit_mw_ms, busy_ms, extra_ms, throttled_ms";

  private FleetRows() {}

  /** One five-second sample pass at {@code at}: two GPUs, two claims on GPU 0, one without an intensity. */
  static List<EnergyRecord> pass(Instant at, long joules) {
    Instant end = at.plusSeconds(5);
    return List.of(
        new EnergyRecord(at, end, GPU0, "vision", "resnet", Energy.ofJoules(joules), Energy.ofJoules(joules + 50),
            Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(200), Power.ofWatts(300),
            Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(5), "measured"),
        new EnergyRecord(at, end, GPU0, "nlp", "", Energy.ofJoules(joules / 2), Energy.ofJoules(joules / 2),
            Optional.empty(), Power.ofWatts(200), Power.ofWatts(300), Duration.ofSeconds(5), Duration.ZERO,
            Duration.ZERO, "default"),
        new EnergyRecord(at, end, GPU1, EnergyRecord.IDLE, "", Energy.ofJoules(300), Energy.ofJoules(300),
            Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(300), Power.ofWatts(300),
            Duration.ofSeconds(5), Duration.ZERO, Duration.ZERO, "none"));
  }

  static CarbonSignal signal(Instant start) {
    return new CarbonSignal("DE", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(310),
        SignalKind.AVERAGE, "em", false);
  }

  static DecisionRecord decision(Instant at) {
    return new DecisionRecord(at, GPU0, "static", false, Optional.of(Power.ofWatts(300)), Power.ofWatts(200),
        "applied", "cap 66%", Optional.of(signal(at)));
  }

  /** The rollup rows of a spool, key and values, in key order, as text for comparison. */
  static List<String> spoolRollups(Path spool, String table) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spool)) {
      return rows(c, "SELECT " + ROLLUP + " FROM " + table + " ORDER BY bucket_ms, gpu_uuid, team, job, profile_source");
    }
  }

  /** A node's rollup rows in the fleet database, as {@link #spoolRollups}. */
  static List<String> fleetRollups(Connection fleet, String table, String node) throws SQLException {
    return rows(fleet, "SELECT " + ROLLUP + " FROM " + table + " WHERE node = '" + node
        + "' ORDER BY bucket_ms, gpu_uuid, team, job, profile_source");
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          row.append(v instanceof Number num && !(v instanceof Double) && !(v instanceof Float) ? num.longValue()
              : v instanceof Number d ? String.format(java.util.Locale.ROOT, "%.9g", d.doubleValue()) : v).append('|');
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  static long number(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static long spoolNumber(Path spool, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spool)) {
      return number(c, sql);
    }
  }
}
