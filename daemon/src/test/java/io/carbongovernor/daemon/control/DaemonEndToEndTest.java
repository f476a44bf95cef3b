package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuFault;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.LedgerInUseException;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.nio.file.Files;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo configuration, in process: the real trace, the bands policy, simulated GPUs, SQLite
 * history and the Quartz schedule, with a clock the test moves from hour to hour.
 */
class DaemonEndToEndTest {

  private static final Path DEMO = Path.of("..", "config", "demo.yaml");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  /** demo.yaml with its relative paths made absolute and its state in the test's folder. */
  private GovernorConfig demoConfig(String mode) throws Exception {
    String yaml =
        Files.readString(DEMO)
            .replace("state-dir: ../state", "state-dir: " + dir.resolve("state"))
            .replace("file: ../traces/", "file: " + DEMO.getParent().resolve("../traces").toAbsolutePath() + "/")
            .replace("teams-dir: teams.d", "teams-dir: " + DEMO.getParent().resolve("teams.d").toAbsolutePath())
            .replace("mode: enforce", "mode: " + mode)
            .replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0")
            .replace("socket: ../state/run/api.sock", "socket: " + dir.resolve("state/run/api.sock"));
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, FileChecks.CHECK);
  }

  private static SimulatedGpuControl a40s(MutableClock clock) {
    return SimulatedGpus.create(
        "a40", 4, ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256), clock);
  }

  private static List<Power> limits(SimulatedGpuControl gpus) {
    return gpus.gpus().stream().map(g -> gpus.sample(g).limit()).toList();
  }

  private static void tickAt(Daemon daemon, MutableClock clock, String instant) throws InterruptedException {
    clock.set(Instant.parse(instant));
    long before = daemon.loop().completedTicks();
    daemon.triggerTick();
    assertThat(daemon.loop().awaitTicks(before + 1, WAIT)).as("tick at " + instant).isTrue();
  }

  @Test
  void decisionsFollowTheTraceAndStopRestoresEveryGpu() throws Exception {
    GovernorConfig config = demoConfig("enforce");
    // Hours of 2023 (replayed in 2026) chosen from the California trace, one per band.
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z")); // 85.03 g/kWh
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(300)); // band < 150: 100 %

      tickAt(daemon, clock, "2026-01-10T19:30:00Z"); // 160.49 g/kWh: band < 220, 85 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(255));

      tickAt(daemon, clock, "2026-01-11T13:30:00Z"); // 260.51 g/kWh: band < 280, 70 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));

      tickAt(daemon, clock, "2026-10-03T13:30:00Z"); // 302.44 g/kWh: open band, 60 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(180));

      // The original limits are durable before the first change; the running daemon holds the
      // ledger, so a second daemon or a restore cannot take it meanwhile.
      assertThat(Ledger.read(config.stateDir()).originalLimits()).hasSize(4).containsValue(Power.ofWatts(300));
      assertThatThrownBy(() -> Ledger.open(config.stateDir())).isInstanceOf(LedgerInUseException.class);
    } finally {
      daemon.stop();
    }
    assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
    try (Ledger ledger = Ledger.open(config.stateDir())) { // stop lets go of it
      assertThat(ledger.isEmpty()).isTrue();
    }

    long ticks = daemon.loop().completedTicks();
    try (Connection db = DriverManager.getConnection(config.history().url())) {
      assertThat(count(db, "SELECT count(*) FROM decisions")).isEqualTo(4 * ticks);
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE outcome = 'applied'")).isEqualTo(12);
      assertThat(count(db, "SELECT count(*) FROM signals")).isGreaterThanOrEqualTo(4);
      assertThat(
              count(db, "SELECT count(*) FROM decisions WHERE target_limit_mw = 180000 AND reason LIKE '%302 g/kWh%'"))
          .isEqualTo(4);
    }
  }

  @Test
  void withoutAFreshSignalTheFailSafeRunsEveryGpuAtFullSpeed() throws Exception {
    // A short trace replayed at its own times: past its end there is no signal at all.
    Path trace = dir.resolve("short.csv");
    Files.writeString(
        trace,
        "time,value\n2026-03-01T00:00:00Z,400\n2026-03-01T01:00:00Z,410\n2026-03-01T02:00:00Z,420\n");
    Path file = dir.resolve("governor.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "zone: US-CAL-CISO",
            "interval: 10s",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated}",
            "carbon:",
            "  max-age: 1h",
            "  sources:",
            "    - {type: trace, file: " + trace + ", timing: absolute}",
            "default-policy: {kind: static, cap: 50%}",
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
            "teams-dir: " + Files.createDirectories(dir.resolve("teams.d")),
            ""));
    GovernorConfig config = ConfigLoader.load(file, FileChecks.CHECK);
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T01:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(150));

      tickAt(daemon, clock, "2026-03-01T09:00:00Z"); // past the trace: fail-safe
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));

      tickAt(daemon, clock, "2026-03-01T02:10:00Z"); // fresh again
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(150));
    } finally {
      daemon.stop();
    }
    try (Connection db = DriverManager.getConnection(config.history().url())) {
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE fail_safe = 1 AND outcome = 'applied'")).isEqualTo(4);
    }
  }

  /** A governor.yaml on simulated A40s (ImageNet ResNet-50, batch 256) replaying a short trace. */
  private GovernorConfig shortTrace(String policy, String... rows) throws Exception {
    Path trace = dir.resolve("short.csv");
    Files.writeString(trace, "time,value\n" + String.join("\n", rows) + "\n");
    Path file = dir.resolve("governor.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "zone: US-CAL-CISO",
            "interval: 10s",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated, simulated: {model: a40, workload: imagenet/resnet50, batch-size: 256}}",
            "carbon:",
            "  max-age: 1h",
            "  sources:",
            "    - {type: trace, file: " + trace + ", timing: absolute}",
            "default-policy: " + policy,
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}", // any free port: builds of other checkouts may run beside this one
            "teams-dir: " + Files.createDirectories(dir.resolve("teams.d")),
            ""));
    return ConfigLoader.load(file, FileChecks.CHECK);
  }

  @Test
  void chaseWeighsTheSimulatedWorkloadsProfile() throws Exception {
    // eta 0.9, P_ref 300 W, CI_ref 750. At 1000 g/kWh the cost (0.9 * P(l) * 1000 + 22500) *
    // epoch time is least at 200 W (182325 * 4123.5 s); at 5 g/kWh at 300 W (from the Zeus A40
    // ResNet-50 measurements).
    GovernorConfig config =
        shortTrace("{kind: chase, eta: 0.9}", "2026-03-01T00:00:00Z,1000", "2026-03-01T01:00:00Z,5", "2026-03-01T02:00:00Z,5");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(200));
      tickAt(daemon, clock, "2026-03-01T01:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
    } finally {
      daemon.stop();
    }
    try (Connection db = DriverManager.getConnection(config.history().url())) {
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE reason LIKE 'default policy: chase: eta 0.90, next intensity 1000 g/kWh%'"))
          .isEqualTo(4);
    }
  }

  @Test
  void forecastSlowsDownInTheDirtyHourBeforeCleanOnes() throws Exception {
    GovernorConfig config =
        shortTrace(
            "{kind: forecast, budget: 10%, horizon: 4h}",
            "2026-03-01T00:00:00Z,900",
            "2026-03-01T01:00:00Z,100",
            "2026-03-01T02:00:00Z,100",
            "2026-03-01T03:00:00Z,100",
            "2026-03-01T04:00:00Z,100",
            "2026-03-01T05:00:00Z,100");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).allSatisfy(limit -> assertThat(limit).isLessThan(Power.ofWatts(300)));
    } finally {
      daemon.stop();
    }
  }

  /** The reason of the last decision recorded. */
  private static String lastReason(GovernorConfig config) throws Exception {
    try (Connection db = DriverManager.getConnection(config.history().url());
        java.sql.ResultSet rs = db.createStatement().executeQuery("SELECT reason FROM decisions ORDER BY id DESC LIMIT 1")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  /** A team budget on five hours, 00:00 to 05:00 on 1 March 2026, rising from 300 g/kWh. */
  private GovernorConfig teamOnFiveHours() throws Exception {
    return shortTrace(
        "{kind: forecast, budget: 10%, budget-scope: team}",
        "2026-03-01T00:00:00Z,300",
        "2026-03-01T01:00:00Z,320",
        "2026-03-01T02:00:00Z,340",
        "2026-03-01T03:00:00Z,360",
        "2026-03-01T04:00:00Z,380");
  }

  /**
   * One daemon process on four simulated A40s: it starts at {@code first}, ticks again at each of
   * {@code later} and stops. The last decision's reason after each tick.
   */
  private static List<String> process(GovernorConfig config, MutableClock clock, String first, String... later)
      throws Exception {
    clock.set(Instant.parse(first));
    List<String> reasons = new ArrayList<>();
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(a40s(clock)));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      reasons.add(lastReason(config));
      for (String at : later) {
        tickAt(daemon, clock, at);
        reasons.add(lastReason(config));
      }
    } finally {
      daemon.stop();
    }
    return reasons;
  }

  @Test
  void aRestartedDaemonPricesTimeOnTheSignalsSeenBeforeIt() throws Exception {
    GovernorConfig config = teamOnFiveHours();
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:30:00Z"));
    // At 02:30: hours 00 and 01 seen, 02 now, 03 and 04 forecast by the trace source.
    assertThat(process(config, clock, "2026-03-01T00:30:00Z", "2026-03-01T01:30:00Z", "2026-03-01T02:30:00Z"))
        .last().asString().contains("over 5 slot(s) seen and forecast");
    // A new process at 03:30, with a trace that now starts at 03:00, so that no source can give
    // the hours before: 00 to 02 come back from the history store, 03 is now, 04 forecast
    // (without the store it would price on 2).
    Files.writeString(dir.resolve("short.csv"), "time,value\n2026-03-01T03:00:00Z,360\n2026-03-01T04:00:00Z,380\n");
    assertThat(process(config, clock, "2026-03-01T03:30:00Z"))
        .singleElement().asString().contains("over 5 slot(s) seen and forecast");
  }

  @Test
  void aFreshDaemonFetchesTheHistoryItsPoliciesReadFromItsSources() throws Exception {
    GovernorConfig config = teamOnFiveHours();
    // No state: the first tick asks the trace source for the 8 days the team's price reads, and
    // gets hours 00 to 02; 03 is now, 04 forecast (without the fetch it would price on 2). The
    // next hour, the fetched slots are kept once, not asked for or added again.
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T03:30:00Z"));
    assertThat(process(config, clock, "2026-03-01T03:30:00Z", "2026-03-01T04:30:00Z"))
        .hasSize(2).allSatisfy(reason -> assertThat(reason).contains("over 5 slot(s) seen and forecast"));
  }

  @Test
  void aRestartedDaemonFetchesTheHoursItWasDownForAndKeepsThem() throws Exception {
    GovernorConfig config =
        shortTrace(
            "{kind: forecast, budget: 10%, budget-scope: team}",
            "2026-03-01T00:00:00Z,300",
            "2026-03-01T01:00:00Z,320",
            "2026-03-01T02:00:00Z,340",
            "2026-03-01T03:00:00Z,360",
            "2026-03-01T04:00:00Z,380",
            "2026-03-01T05:00:00Z,400",
            "2026-03-01T06:00:00Z,420");
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:30:00Z"));
    process(config, clock, "2026-03-01T00:30:00Z");
    // Down from 01:00 to 04:30: the store has hour 00 only. The first tick asks the source for
    // 01 to 03; with 04 now and 05, 06 forecast, 7 slots (without the fetch, 4). At 04:40 the
    // hole, now between 00 and 04, has been asked for once: nothing is added again.
    assertThat(process(config, clock, "2026-03-01T04:30:00Z", "2026-03-01T04:40:00Z"))
        .hasSize(2).allSatisfy(reason -> assertThat(reason).contains("over 7 slot(s) seen and forecast"));
    // The fetched hours were recorded: with a trace that no longer holds them, a third process
    // at 05:30 still prices on 00 to 04 from the store, 05 now and 06 forecast.
    Files.writeString(dir.resolve("short.csv"), "time,value\n2026-03-01T05:00:00Z,400\n2026-03-01T06:00:00Z,420\n");
    assertThat(process(config, clock, "2026-03-01T05:30:00Z"))
        .singleElement().asString().contains("over 7 slot(s) seen and forecast");
  }

  @Test
  void aTeamsPriceIsTheFloorWindowsAloneOnceTheHistoryCoversIt() throws Exception {
    // Four days of hours from 1 March, dirty afternoons; a day's budget window, floored over 3 days.
    String[] rows = new String[96];
    Instant first = Instant.parse("2026-03-01T00:00:00Z");
    for (int h = 0; h < rows.length; h++) {
      rows[h] = first.plusSeconds(3600L * h) + "," + (h % 24 >= 12 ? 500 : 200);
    }
    GovernorConfig config =
        shortTrace("{kind: forecast, budget: 10%, budget-scope: team, budget-window: 1d, price-floor-window: 3d}", rows);
    MutableClock clock = new MutableClock(Instant.parse("2026-03-02T12:30:00Z"));
    // At 12:30 on the 2nd the history (fetched at the first tick) holds a day and a half, short of
    // the 3 days by more than a day: the day's price, floored at the price over what was seen,
    // and no word of the 3 days being known. Restarted at 00:30
    // on the 4th (the hours it was down fetched), the oldest hour of the 3 days starts at 01:00
    // on the 1st, within a day of their start: their price alone, over 71 hours seen, the hour
    // now and 23 forecast.
    assertThat(process(config, clock, "2026-03-02T12:30:00Z")).singleElement().asString()
        .doesNotContain("known").contains("over 48 slot(s) seen and forecast");
    assertThat(process(config, clock, "2026-03-04T00:30:00Z")).singleElement().asString()
        .contains("(the last 3 days, all of them known)").contains("over 95 slot(s) seen and forecast");
  }

  @Test
  void shadowModeDecidesAndRecordsButNeverSets() throws Exception {
    GovernorConfig config = demoConfig("shadow");
    MutableClock clock = new MutableClock(Instant.parse("2026-10-03T13:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      tickAt(daemon, clock, "2026-01-11T13:30:00Z");
    } finally {
      daemon.stop();
    }
    assertThat(gpus.totalSetCalls()).isZero();
    try (Connection db = DriverManager.getConnection(config.history().url())) {
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE outcome = 'shadow' AND target_limit_mw = 180000"))
          .isEqualTo(4);
    }
  }

  @Test
  void oneLostGpuDoesNotStopControlOfTheOthers() throws Exception {
    GovernorConfig config = demoConfig("enforce");
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Gpu lost = gpus.gpus().get(2);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      gpus.fail(lost, GpuFault.GPU_LOST);
      tickAt(daemon, clock, "2026-10-03T13:30:00Z");
      gpus.recover(lost);
      assertThat(limits(gpus))
          .containsExactly(Power.ofWatts(180), Power.ofWatts(180), Power.ofWatts(300), Power.ofWatts(180));
    } finally {
      daemon.stop();
    }
    assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
  }

  @Test
  void reloadSwapsPoliciesAtOnceAndABadFileKeepsTheOldOnes() throws Exception {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor.yaml");
    String yaml =
        String.join(
            "\n",
            "zone: US-CAL-CISO",
            "interval: 1h",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated, simulated: {count: 2}}",
            "carbon:",
            "  sources:",
            "    - {type: trace, file: " + DEMO.getParent().resolve("../traces/US-CAL-CISO_2023_hourly.csv").toAbsolutePath() + "}",
            "default-policy: {kind: static, cap: 50%}",
            "teams-dir: " + teams,
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
            "");
    Files.writeString(file, yaml);
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(ConfigLoader.load(file, FileChecks.CHECK), clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(150));

      Files.writeString(file, yaml.replace("cap: 50%", "cap: 70%"));
      assertThat(daemon.reload()).isTrue();
      tickAt(daemon, clock, "2026-06-15T21:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));

      Files.writeString(teams.resolve("broken.yaml"), "members: {users: [carol]}\npolicy: {kind: static, cap: 250}\n");
      assertThat(daemon.reload()).isFalse();
      tickAt(daemon, clock, "2026-06-15T22:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));
    } finally {
      daemon.stop();
    }
  }

  private static void sampleAt(Daemon daemon, MutableClock clock, Instant at) throws InterruptedException {
    clock.set(at);
    long before = daemon.sampler().completed();
    daemon.triggerSample();
    assertThat(daemon.sampler().awaitPasses(before + 1, WAIT)).as("sample at " + at).isTrue();
  }

  /** A scripted run: 10 s at 180 W (60 % of an A40) during a 302.44 g/kWh hour, by hand. */
  @Test
  void energyIsAccountedAgainstTheOriginalLimitAndAnUnreadableGpuLeavesAGap() throws Exception {
    GovernorConfig config = demoConfig("enforce");
    Instant t0 = Instant.parse("2026-10-03T13:30:00Z");
    MutableClock clock = new MutableClock(t0);
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(180));
      sampleAt(daemon, clock, t0); // the meters' reference reading
      gpus.fail(gpus.gpus().get(3), GpuFault.GPU_LOST);
      sampleAt(daemon, clock, t0.plusSeconds(10));
      gpus.recover(gpus.gpus().get(3));
      sampleAt(daemon, clock, t0.plusSeconds(20));
    } finally {
      daemon.stop();
    }
    PowerProfile p = ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256);
    double watts = Math.min(p.averagePowerAt(Power.ofWatts(180)).watts(), 180);
    double joules = watts * 10;
    double q = p.relativeThroughputAt(Power.ofWatts(180)) / p.relativeThroughputAt(Power.ofWatts(300));
    double baselineJoules = joules * (p.averagePowerAt(Power.ofWatts(300)).watts() / p.averagePowerAt(Power.ofWatts(180)).watts()) * q;
    try (Connection db = DriverManager.getConnection(config.history().url());
        Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(
            "SELECT gpu_index, team, energy_mj, baseline_mj, emissions_g, extra_ms, throttled_ms, busy_ms,"
                + " profile_source, start_ms, end_ms FROM energy_raw ORDER BY end_ms, gpu_index")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertThat(rs.getString(2)).isEqualTo("(default)");
        assertThat(rs.getLong(3) / 1000.0).isCloseTo(joules, within(1.0));
        assertThat(rs.getLong(4) / 1000.0).isCloseTo(baselineJoules, within(1.0));
        assertThat(rs.getDouble(5)).isCloseTo(joules / 3.6e6 * 302.44, within(0.01));
        assertThat(rs.getLong(6)).isCloseTo(Math.round(10_000 * (1 - q)), within(1L));
        assertThat(rs.getLong(7)).isEqualTo(10_000);
        assertThat(rs.getLong(8)).isEqualTo(10_000);
        assertThat(rs.getString(9)).isEqualTo("default");
      }
      // 3 GPUs in the first period (gpu3 lost), 3 in the second (gpu3 starts afresh after its gap).
      assertThat(rows).isEqualTo(6);
      assertThat(count(db, "SELECT count(*) FROM gaps WHERE gpu_uuid LIKE '%000000000003' AND end_ms = "
          + t0.plusSeconds(20).toEpochMilli())).isEqualTo(1);
    }
  }

  private static long count(Connection db, String sql) throws SQLException {
    try (Statement st = db.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
