package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.history.LocalDatabase;
import io.carbongovernor.daemon.testing.Chattr;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo configuration in process (bands policy on the California trace, four simulated A40s)
 * while its history database is deleted, truncated, made immutable or full: every tick still
 * sets the limits of its hour, the metrics count each problem, and stop restores every GPU.
 */
class HistoryTroubleEndToEndTest {

  private static final Path DEMO = Path.of("..", "config", "demo.yaml");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path dir;

  @AfterEach
  void clearFlags() throws Exception {
    Chattr.clearAll(dir);
  }

  /** demo.yaml with its paths made absolute, its state in the test's folder, {@code extra} lines added. */
  private GovernorConfig demoConfig(String... extra) throws Exception {
    String yaml =
        Files.readString(DEMO)
            .replace("state-dir: ../state", "state-dir: " + dir.resolve("state"))
            .replace("file: ../traces/", "file: " + DEMO.getParent().resolve("../traces").toAbsolutePath() + "/")
            .replace("teams-dir: teams.d", "teams-dir: " + DEMO.getParent().resolve("teams.d").toAbsolutePath())
            .replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0")
            + String.join("\n", extra) + "\n";
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, FileChecks.CHECK);
  }

  private static SimulatedGpuControl a40s(MutableClock clock) {
    return SimulatedGpus.create("a40", 4, ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256), clock);
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

  private static String metrics(Daemon daemon) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.apiAddress().getPort() + "/metrics")).build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private static long count(Path db, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<Path> movedAside(Path stateDir) throws Exception {
    try (Stream<Path> files = Files.list(stateDir)) {
      return files.filter(f -> f.getFileName().toString().matches("history\\.db\\.damaged-\\d{8}T\\d{6}Z")).toList();
    }
  }

  @Test
  void ticksSetTheirLimitsWhileTheHistoryIsDeletedAndThenTruncated() throws Exception {
    GovernorConfig config = demoConfig();
    Path db = config.stateDir().resolve("history.db");
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z")); // 85 g/kWh
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));

      Files.delete(db);
      // The queue's own connection may find the deletion before the next tick does, and start
      // the new file itself: done here on purpose, so that the count below holds either way.
      LocalDatabase.open(db).close();
      tickAt(daemon, clock, "2026-01-10T19:30:00Z"); // 160 g/kWh: 85 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(255));
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE target_limit_mw = 255000")).isEqualTo(4);

      try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
        f.setLength(f.length() / 2);
      }
      tickAt(daemon, clock, "2026-01-11T13:30:00Z"); // 261 g/kWh: 70 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));
      assertThat(movedAside(config.stateDir())).hasSize(1);
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE target_limit_mw = 210000")).isEqualTo(4);

      assertThat(metrics(daemon))
          .contains("carbon_governor_history_problems_total{cause=\"deleted\"} 1.0\n")
          .contains("carbon_governor_history_problems_total{cause=\"damaged\"} 1.0\n")
          .contains("carbon_governor_history_problems_total{cause=\"replaced\"} 0.0\n")
          .contains("carbon_governor_history_write_failures_total{cause=\"damaged\"} 0.0\n");
    } finally {
      daemon.stop();
    }
    assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
  }

  @Test
  void ticksSetTheirLimitsWhileTheHistoryIsImmutableAndItsDecisionsAreRecordedAgainAfter() throws Exception {
    GovernorConfig config = demoConfig();
    Path db = config.stateDir().resolve("history.db");
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      Chattr.Result set = Chattr.run("+i", db);
      assumeTrue(set.succeeded(), "the kernel refused chattr +i here: " + set.output());

      tickAt(daemon, clock, "2026-01-10T19:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(255));
      tickAt(daemon, clock, "2026-10-03T13:30:00Z"); // 302 g/kWh: 60 %
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(180));
      assertThat(metrics(daemon))
          .containsPattern("carbon_governor_history_write_failures_total\\{cause=\"read_only\"} [1-9]")
          .contains("carbon_governor_history_problems_total{cause=\"read_only\"} 1.0\n");

      assertThat(Chattr.run("-i", db).succeeded()).isTrue();
      tickAt(daemon, clock, "2026-01-11T13:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE target_limit_mw = 210000")).isEqualTo(4);
      assertThat(count(db, "SELECT count(*) FROM decisions WHERE target_limit_mw IN (255000, 180000)")).isZero();
    } finally {
      daemon.stop();
    }
    assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
  }

  @Test
  void aDaemonWhoseHistoryIsFullFromTheStartControlsAndCountsWhatItCannotWrite() throws Exception {
    // SQLite's page limit below what the schema needs: every write fails with SQLITE_FULL. The
    // limit is a setting of the history's own connection; the queue's connection to the same file
    // would create the schema without it, so the queue is off here.
    GovernorConfig config =
        demoConfig("history: {url: 'jdbc:sqlite:" + dir.resolve("state").resolve("history.db") + "?max_page_count=5'}",
            "queue: {enabled: false}");
    MutableClock clock = new MutableClock(Instant.parse("2026-06-15T20:30:00Z"));
    SimulatedGpuControl gpus = a40s(clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      tickAt(daemon, clock, "2026-01-11T13:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(210));
      tickAt(daemon, clock, "2026-10-03T13:30:00Z");
      assertThat(limits(gpus)).containsOnly(Power.ofWatts(180));
      assertThat(metrics(daemon))
          .containsPattern("carbon_governor_history_write_failures_total\\{cause=\"disk_full\"} [1-9]")
          .contains("carbon_governor_history_problems_total{cause=\"disk_full\"} 1.0\n");
    } finally {
      daemon.stop();
    }
    assertThat(limits(gpus)).containsOnly(Power.ofWatts(300));
  }
}
