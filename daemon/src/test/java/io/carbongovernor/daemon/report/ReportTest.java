package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.cli.CarbonGovernorCommand;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Rollups against raw sums, and the report in every format against hand computation. */
class ReportTest {

  private static final Gpu GPU0 =
      new Gpu(0, "GPU-0", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  private static final Gpu GPU1 =
      new Gpu(1, "GPU-1", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  private static final Instant T0 = Instant.parse("2026-11-02T10:59:00Z");

  @TempDir Path dir;
  private String url;
  private Path config;

  @BeforeEach
  void history() throws Exception {
    url = "jdbc:sqlite:" + dir.resolve("history.db");
    config = dir.resolve("governor.yaml");
    Files.writeString(config, "zone: Z\ncarbon: {sources: [{type: uk}]}\nhistory: {url: \"" + url + "\"}\n");
  }

  /**
   * Two GPUs over two hours of 60 s samples (crossing 11:00): GPU 0 throttled for team vision at
   * 200 W, 720 kJ per minute against a 900 kJ baseline, 12 s extra per minute, at 300 g/kWh; GPU 1
   * idle at 300 W, 60 kJ per minute, no intensity known.
   */
  private List<EnergyRecord> write() {
    List<EnergyRecord> all = new ArrayList<>();
    try (HistoryStore store = HistoryStore.open(url)) {
      for (int m = 0; m < 120; m++) {
        Instant start = T0.plusSeconds(60L * m);
        Instant end = start.plusSeconds(60);
        List<EnergyRecord> minute =
            List.of(
                new EnergyRecord(start, end, GPU0, "vision", "bert", Energy.ofJoules(720_000), Energy.ofJoules(900_000),
                    Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(200), Power.ofWatts(300),
                    Duration.ofSeconds(60), Duration.ofSeconds(12), Duration.ofSeconds(60), "default"),
                new EnergyRecord(start, end, GPU1, EnergyRecord.IDLE, "", Energy.ofJoules(60_000), Energy.ofJoules(60_000),
                    Optional.empty(), Power.ofWatts(300), Power.ofWatts(300),
                    Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO, "none"));
        store.recordEnergy(minute);
        all.addAll(minute);
      }
    }
    return all;
  }

  @Test
  void rollupsEqualTheRawSums() throws Exception {
    write();
    try (Connection db = DriverManager.getConnection(url); Statement st = db.createStatement()) {
      for (String column : List.of("energy_mj", "baseline_mj", "busy_ms", "extra_ms", "throttled_ms")) {
        long raw = single(st, "SELECT sum(" + column + ") FROM energy_raw");
        assertThat(single(st, "SELECT sum(" + column + ") FROM energy_minute")).as(column).isEqualTo(raw);
        assertThat(single(st, "SELECT sum(" + column + ") FROM energy_hour")).as(column).isEqualTo(raw);
      }
      assertThat(single(st, "SELECT count(*) FROM energy_minute")).isEqualTo(240);
      assertThat(single(st, "SELECT count(*) FROM energy_hour")).isEqualTo(6); // 10:00, 11:00, 12:00 x 2 GPUs
      assertThat(single(st, "SELECT sum(unknown_energy_mj) FROM energy_hour")).isEqualTo(120L * 60_000_000);
    }
  }

  @Test
  void retentionDropsOldRawAndMinuteRowsButKeepsHours() throws Exception {
    write();
    try (HistoryStore store = HistoryStore.open(url)) {
      store.prune(T0.plus(Duration.ofDays(8)), Retention.DEFAULT);
    }
    try (Connection db = DriverManager.getConnection(url); Statement st = db.createStatement()) {
      assertThat(single(st, "SELECT count(*) FROM energy_raw")).isZero();
      assertThat(single(st, "SELECT count(*) FROM energy_minute")).isEqualTo(240);
      assertThat(single(st, "SELECT count(*) FROM energy_hour")).isEqualTo(6);
    }
    try (HistoryStore store = HistoryStore.open(url)) {
      store.prune(T0.plus(Duration.ofDays(91)), Retention.DEFAULT);
    }
    try (Connection db = DriverManager.getConnection(url); Statement st = db.createStatement()) {
      assertThat(single(st, "SELECT count(*) FROM energy_minute")).isZero();
      assertThat(single(st, "SELECT count(*) FROM energy_hour")).isEqualTo(6);
    }
  }

  @Test
  void totalsMatchHandComputation() throws Exception {
    write();
    Report r = ReportQuery.run(url, Instant.parse("2026-11-02T00:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"),
        Optional.empty(), Optional.empty(), Breakdown.TEAM);
    Totals t = r.totals();
    // Energy: 120 x (720 kJ + 60 kJ) = 93.6 MJ = 26 kWh.
    assertThat(t.energyKwh()).isCloseTo(26.0, within(1e-9));
    // Emissions: GPU 0 only, 120 x 0.2 kWh x 300 g = 7.2 kg; baseline 120 x 0.25 kWh x 300 = 9 kg.
    assertThat(t.emissionsKg()).isCloseTo(7.2, within(1e-9));
    assertThat(t.baselineKg()).isCloseTo(9.0, within(1e-9));
    assertThat(t.avoidedKg()).isCloseTo(1.8, within(1e-9));
    assertThat(t.avoidedPercent()).isCloseTo(20.0, within(1e-9));
    // Extra: 120 x 12 s = 24 min = 0.4 GPU-h; slowdown 1440 s over (14400 - 1440) s of full-speed time.
    assertThat(t.extraGpuHours()).isCloseTo(0.4, within(1e-9));
    assertThat(t.slowdownPercent()).isCloseTo(100.0 * 1440 / 12960, within(1e-9));
    assertThat(t.averageIntensity()).isCloseTo(300.0, within(1e-9));
    assertThat(t.throttledPercent()).isCloseTo(50.0, within(1e-9));
    assertThat(t.unknownEnergyKwh()).isCloseTo(2.0, within(1e-9));
    assertThat(r.rows()).extracting(Report.Row::key).containsExactly("(idle)", "vision");
    assertThat(r.profileSourceEnergyShare()).containsOnlyKeys("default", "none");
    assertThat(r.profileSourceEnergyShare().get("default")).isCloseTo(24.0 / 26.0, within(1e-9));
  }

  @Test
  void everyFormatFromTheCommandLine() throws Exception {
    write();
    assertThat(report("--by", "team")).contains("vision").contains("TOTAL").contains("26.0 kWh").contains("1.80 kg").contains("20.0");
    String csv = report("--format", "csv", "--by", "gpu");
    assertThat(csv.lines().toList()).hasSize(4);
    assertThat(csv).startsWith("gpu,gpu_indices,energy_kwh,emissions_kg").contains("GPU-0,0,24.000000,7.200000,9.000000,1.800000,20.000");
    JsonNode json = JsonMapper.builder().build().readTree(report("--format", "json", "--by", "day"));
    assertThat(json.get("totals").get("avoided_kg").doubleValue()).isCloseTo(1.8, within(1e-9));
    assertThat(json.get("rows").get(0).get("key").stringValue()).isEqualTo("2026-11-02");
    assertThat(json.get("method").stringValue()).contains("original power limit");
    Path html = dir.resolve("report.html");
    assertThat(run("report", "--config", config.toString(), "--from", "2026-11-02", "--to", "2026-11-02",
        "--format", "html", "--output", html.toString())).isZero();
    String page = Files.readString(html);
    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains("<path").contains("1.80 kg CO2e avoided")
        .contains("Method").doesNotContain("<script", "src=", "<link");
    assertThat(report("--team", "vision", "--job", "bert")).contains("vision").doesNotContain("(idle)");
  }

  @Test
  void anEmptyRangeSaysSoAndBadDatesAreUsageErrors() throws Exception {
    write();
    assertThat(run("report", "--config", config.toString(), "--from", "2025-01-01", "--to", "2025-01-31")).isZero();
    assertThat(out.toString()).contains("No history in this range.");
    assertThat(run("report", "--config", config.toString(), "--from", "2026-13-01", "--to", "2026-12-01")).isEqualTo(2);
    assertThat(err.toString()).contains("--from must be a date like 2026-11-01");
    assertThat(run("report", "--config", config.toString(), "--from", "2026-12-01", "--to", "2026-11-01")).isEqualTo(2);
    assertThat(run("report", "--config", config.toString(), "--from", "2026-11-01", "--to", "2026-11-02", "--by", "colour"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--by must be one of team, job, gpu, day");
  }

  /**
   * A rollup row no recorder writes (a negative energy, set by hand or by another program) is
   * refused with the history's name and the cause, not summed into a report that looks right.
   */
  @Test
  void aHistoryHoldingANegativeEnergyIsRefusedNamedNotReported() throws Exception {
    write();
    try (Connection db = DriverManager.getConnection(url); Statement st = db.createStatement()) {
      st.executeUpdate("UPDATE energy_hour SET energy_mj = -5 WHERE team = 'vision'");
    }
    assertThat(run("report", "--config", config.toString(), "--from", "2026-11-02", "--to", "2026-11-02")).isEqualTo(1);
    assertThat(err.toString()).contains("cannot read history " + url).contains("out of range").contains("energy cannot be negative");
    assertThat(out.toString()).doesNotContain("TOTAL");
  }

  private StringWriter out;
  private StringWriter err;

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cl = CarbonGovernorCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  private String report(String... extra) {
    List<String> args = new ArrayList<>(List.of("report", "--config", config.toString(), "--from", "2026-11-02", "--to", "2026-11-02"));
    args.addAll(List.of(extra));
    assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
    return out.toString();
  }

  private static long single(Statement st, String sql) throws Exception {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
