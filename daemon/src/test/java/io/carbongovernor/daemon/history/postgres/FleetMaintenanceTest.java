package io.carbongovernor.daemon.history.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.history.RollupReader.Filter;
import io.carbongovernor.daemon.history.RollupReader.Key;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's day rollup and retention on a real PostgreSQL. */
class FleetMaintenanceTest {

  private static final Instant SENT = Instant.parse("2026-11-04T07:00:00Z");
  private static final Instant NOW = Instant.parse("2026-11-04T12:00:00Z");
  private static final long DAY = Duration.ofDays(1).toMillis();
  /** Every day row against the sums of its day's hours; empty when they agree. */
  private static final String MISMATCHES =
      "SELECT count(*) FROM (SELECT bucket_ms / " + DAY + " * " + DAY + " AS d, node, gpu_uuid, team, job,"
          + " profile_source, sum(samples) s, sum(energy_mj) e, sum(baseline_mj) b, sum(emissions_g) g,"
          + " sum(busy_ms) busy, sum(throttled_ms) t FROM energy_hour WHERE bucket_ms < ? GROUP BY 1, 2, 3, 4, 5, 6) h"
          + " FULL JOIN energy_day dd ON dd.bucket_ms = h.d AND dd.node = h.node AND dd.gpu_uuid = h.gpu_uuid"
          + " AND dd.team = h.team AND dd.job = h.job AND dd.profile_source = h.profile_source"
          + " WHERE h.d IS NULL OR dd.bucket_ms IS NULL OR dd.samples <> h.s OR dd.energy_mj <> h.e"
          + " OR dd.baseline_mj <> h.b OR abs(dd.emissions_g - h.g) > 1e-6 OR dd.busy_ms <> h.busy"
          + " OR dd.throttled_ms <> h.t";

  @TempDir Path dir;
  private FleetTestDatabase fleet;

  @BeforeEach
  void fleet() throws Exception {
    String a = "jdbc:sqlite:" + dir.resolve("a.db");
    String b = "jdbc:sqlite:" + dir.resolve("b.db");
    FleetHistory.writeNodeA(a);
    FleetHistory.writeNodeB(b);
    fleet = FleetTestDatabase.create("fleetjobs", "upkeep pw");
    fleet.copy(a, "node-a", SENT);
    fleet.copy(b, "node-b", SENT);
  }

  private FleetMaintenance maintenance() throws Exception {
    return FleetMaintenance.open(fleet.database().url(), fleet.login());
  }

  @Test
  void dayRowsAreTheSumsOfTheirHoursForEveryDayThatEnded() throws Exception {
    try (FleetMaintenance m = maintenance()) {
      assertThat(m.rollUpDays(NOW)).isEqualTo(3);
    }
    try (Connection c = fleet.database().connect()) {
      assertThat(count(c, MISMATCHES, Instant.parse("2026-11-04T00:00:00Z").toEpochMilli())).isZero();
      assertThat(count(c, "SELECT count(DISTINCT bucket_ms) FROM energy_day", null)).isEqualTo(3);
      assertThat(count(c, "SELECT count(*) FROM energy_day WHERE bucket_ms >= ?",
          Instant.parse("2026-11-04T00:00:00Z").toEpochMilli())).as("the day that goes on").isZero();
      assertThat(count(c, "SELECT through_ms FROM rollup_progress WHERE rollup = 'energy_day'", null))
          .isEqualTo(NOW.toEpochMilli());
    }
  }

  @Test
  void aLateHourForAnOldDayIsReadAtOnceAndFoldedInAtTheNextRun() throws Exception {
    try (FleetMaintenance m = maintenance()) {
      m.rollUpDays(NOW);
    }
    Instant late = NOW.plus(Duration.ofHours(2));
    long oldHour = Instant.parse("2026-11-02T05:00:00Z").toEpochMilli();
    try (Connection c = fleet.database().connect(); Statement st = c.createStatement()) {
      // A spool drains after an outage: node B sends an hour of 2 November again, grown.
      assertThat(st.executeUpdate("UPDATE energy_hour SET energy_mj = energy_mj + 1000000, samples = samples + 1,"
          + " updated_ms = " + late.toEpochMilli() + " WHERE bucket_ms = " + oldHour + " AND node = 'node-b'")).isOne();
    }
    Filter all = new Filter(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-05T00:00:00Z"),
        Optional.empty(), Optional.empty());
    long hoursOnly;
    try (Connection c = fleet.database().connect()) {
      hoursOnly = count(c, "SELECT sum(energy_mj) FROM energy_hour WHERE bucket_ms >= ? AND bucket_ms < "
          + (Instant.parse("2026-11-03T00:00:00Z").toEpochMilli()), Instant.parse("2026-11-02T00:00:00Z").toEpochMilli());
    }
    try (RollupReader r = RollupReader.openReadOnly(fleet.database().url(), fleet.login(), "unused")) {
      assertThat(energy(r.sumsBy(Key.DAY, all), "2026-11-02")).as("read from hours until folded").isEqualTo(hoursOnly);
    }
    try (FleetMaintenance m = maintenance()) {
      assertThat(m.rollUpDays(late.plus(Duration.ofMinutes(5)))).isEqualTo(1);
    }
    try (Connection c = fleet.database().connect()) {
      assertThat(count(c, MISMATCHES, Instant.parse("2026-11-04T00:00:00Z").toEpochMilli())).isZero();
      assertThat(count(c, "SELECT sum(energy_mj) FROM energy_day WHERE bucket_ms = ?",
          Instant.parse("2026-11-02T00:00:00Z").toEpochMilli())).isEqualTo(hoursOnly);
    }
  }

  @Test
  void runningTwiceChangesNothing() throws Exception {
    List<String> once;
    try (FleetMaintenance m = maintenance()) {
      m.rollUpDays(NOW);
      once = dayRows();
      m.rollUpDays(NOW);
      assertThat(dayRows()).isEqualTo(once);
      m.rollUpDays(NOW.plusSeconds(60));
    }
    assertThat(dayRows()).isEqualTo(once).hasSizeGreaterThan(10);
  }

  @Test
  void pruneKeepsWhatRetentionKeepsAndDropsTheRestInBatches() throws Exception {
    try (FleetMaintenance m = maintenance()) {
      m.rollUpDays(NOW);
    }
    try (Connection c = fleet.database().connect(); Statement st = c.createStatement()) {
      // More raw rows than one batch deletes, from long before the history.
      st.executeUpdate("INSERT INTO energy_raw SELECT 'node-c', s * 1000, s * 1000 + 500, 'GPU-c', 0, 't', '', 1, 1,"
          + " NULL, NULL, NULL, 1, 1, 1, 0, 0, 'none' FROM generate_series(1, " + (FleetMaintenance.BATCH * 2 + 5) + ") s");
      st.executeUpdate("INSERT INTO decisions VALUES ('node-a', 1000, 'GPU-z', 0, 'p', 0, NULL, 200000, 'applied', 'r', NULL, NULL),"
          + " ('node-a', " + NOW.toEpochMilli() + ", 'GPU-z', 0, 'p', 0, NULL, 200000, 'applied', 'r', NULL, NULL)");
      // The audit of fleet job firings: an old finished one goes, an old one still running stays.
      st.executeUpdate("INSERT INTO fleet_job_runs (job, scheduled_ms, node, instance, started_ms, finished_ms, outcome)"
          + " VALUES ('fleet-rollup', 1000, 'node-a', 'i', 1000, 2000, 'ok'),"
          + " ('fleet-rollup', 3000, 'node-a', 'i', 3000, NULL, NULL),"
          + " ('fleet-rollup', " + NOW.toEpochMilli() + ", 'node-a', 'i', " + NOW.toEpochMilli() + ", NULL, NULL)");
    }
    // Raw samples 1 day, minutes 2 days, hours (and days) 2.5 days, as of 2026-11-04 12:00.
    Retention retention = new Retention(Optional.of(Duration.ofDays(1)), Optional.of(Duration.ofDays(2)),
        Optional.of(Duration.ofHours(60)));
    try (FleetMaintenance m = maintenance()) {
      m.prune(NOW, retention);
    }
    try (Connection c = fleet.database().connect()) {
      long rawCut = NOW.minus(Duration.ofDays(1)).toEpochMilli();
      assertThat(count(c, "SELECT count(*) FROM energy_raw WHERE end_ms < ?", rawCut)).isZero();
      assertThat(count(c, "SELECT count(*) FROM energy_raw WHERE node = 'node-c'", null)).isZero();
      assertThat(count(c, "SELECT count(*) FROM energy_raw", null)).as("raw samples of the last day").isPositive();
      assertThat(count(c, "SELECT min(bucket_ms) FROM energy_minute", null))
          .isGreaterThanOrEqualTo(NOW.minus(Duration.ofDays(2)).toEpochMilli());
      // Hours and days are cut at the start of the UTC day 60 hours before: 2 November 00:00.
      long dayCut = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
      assertThat(count(c, "SELECT min(bucket_ms) FROM energy_hour", null)).isEqualTo(dayCut);
      assertThat(count(c, "SELECT min(bucket_ms) FROM energy_day", null)).isEqualTo(dayCut);
      assertThat(count(c, "SELECT count(*) FROM decisions", null)).isOne();
      assertThat(count(c, "SELECT count(*) FROM fleet_job_runs WHERE scheduled_ms = 1000", null))
          .as("a finished firing older than the minutes' retention").isZero();
      assertThat(count(c, "SELECT count(*) FROM fleet_job_runs", null)).isEqualTo(2);
    }
    try (FleetMaintenance m = maintenance()) {
      m.prune(NOW, Retention.DEFAULT);
    }
    try (Connection c = fleet.database().connect()) {
      assertThat(count(c, "SELECT min(bucket_ms) FROM energy_day", null)).as("hours kept forever keep days")
          .isEqualTo(Instant.parse("2026-11-02T00:00:00Z").toEpochMilli());
    }
  }

  private static long energy(List<RollupReader.Group> days, String day) {
    return days.stream().filter(g -> g.key().equals(day)).findFirst().orElseThrow().sums().energy().millijoules();
  }

  private List<String> dayRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = fleet.database().connect(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT * FROM energy_day ORDER BY bucket_ms, node, gpu_uuid, team, job, profile_source")) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          row.append(rs.getString(i)).append('|');
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  private static long count(Connection c, String sql, Long parameter) throws Exception {
    try (var ps = c.prepareStatement(sql)) {
      if (parameter != null) {
        ps.setLong(1, parameter);
      }
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
