package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.cli.CarbonGovernorCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The history database of the packaged daemon ({@code java -jar}, simulated GPUs sampled every
 * second): reports taken while it writes, and what a kill -9 leaves behind.
 */
class HistoryProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final long SAMPLE_MS = 1000;
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final Pattern ENERGY =
      Pattern.compile("(?m)^carbon_governor_gpu_energy_joules_total\\{[^}]*\\} (\\S+)$");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void reportsTakenWhileTheDaemonWritesSeeGrowingTotalsAndNeverALock() throws Exception {
    Path config = config();
    Process daemon = start(config);
    BlockingQueue<String> out = lines(daemon);
    long first = awaitMaxEnd(end -> end > 0);

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<Double> energies = new ArrayList<>();
    long seen = first;
    for (int i = 0; i < 5; i++) {
      StringWriter stdout = new StringWriter();
      StringWriter stderr = new StringWriter();
      CommandLine cli = CarbonGovernorCommand.commandLine();
      cli.setOut(new PrintWriter(stdout));
      cli.setErr(new PrintWriter(stderr));
      int exit =
          cli.execute("report", "--config", config.toString(), "--from", today.minusDays(1).toString(),
              "--to", today.plusDays(1).toString(), "--format", "json");
      assertThat(exit).as(stderr.toString()).isZero();
      assertThat(stderr.toString()).doesNotContainIgnoringCase("locked");
      JsonNode report = JsonMapper.builder().build().readTree(stdout.toString());
      assertThat(report.get("empty").asBoolean()).as(stdout.toString()).isFalse();
      energies.add(report.get("totals").get("energy_kwh").asDouble());
      long before = seen;
      seen = awaitMaxEnd(end -> end > before); // the daemon wrote again before the next report
    }
    assertThat(energies).isSorted();
    assertThat(energies.get(energies.size() - 1)).isGreaterThan(energies.get(0));

    daemon.toHandle().destroy(); // SIGTERM
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(rest).doesNotContainIgnoringCase("database is locked").doesNotContain("history write failed");
  }

  /**
   * What a kill -9 may lose is the sample pass that had not committed: everything the daemon had
   * accounted by then (its energy counter in /metrics goes up only after the pass's commit) is in
   * the database. Measured in the daemon's own passes, not in wall-clock time, so a starved daemon
   * (stopped here for a few periods, as a loaded machine would leave it) passes as a prompt one.
   */
  @Test
  void killMinusNineLosesNothingTheDaemonHadAccountedAndTheNextRunAppends() throws Exception {
    Path config = config();
    Process first = start(config);
    BlockingQueue<String> out = lines(first);
    int port = Integer.parseInt(awaitLine(out, LISTEN).group(1));
    long observed = awaitMaxEnd(end -> end > 0);
    long again = observed;
    for (int i = 0; i < 3; i++) { // a few periods in, just after one was written
      long before = again;
      again = awaitMaxEnd(end -> end > before);
    }
    Thread.sleep(SAMPLE_MS / 2); // half a period on: the stop falls between or inside sample writes
    double accountedJoules = accountedEnergyJoules(port);
    signal(first, "STOP");
    Thread.sleep(3 * SAMPLE_MS); // a starved daemon: periods pass without a sample
    long killedAt = System.currentTimeMillis();
    first.destroyForcibly(); // SIGKILL, whatever the sampler was doing
    assertThat(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);

    long lastEnd;
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement st = db.createStatement()) {
      assertThat(text(st, "PRAGMA integrity_check")).isEqualTo("ok");
      assertRollupsEqualRawSums(st);
      lastEnd = number(st, "SELECT max(end_ms) FROM energy_raw");
      long rows = number(st, "SELECT count(*) FROM energy_raw");
      // Each row's joules were rounded down to whole millijoules.
      assertThat(number(st, "SELECT sum(energy_mj) FROM energy_raw"))
          .as("every pass accounted before the kill is kept")
          .isGreaterThanOrEqualTo((long) Math.floor(accountedJoules * 1000) - rows);
    }
    assertThat(lastEnd).as("what was written before the kill is kept").isGreaterThanOrEqualTo(again);

    Process second = start(config);
    BlockingQueue<String> out2 = lines(second);
    awaitMaxEnd(end -> end > killedAt);
    second.toHandle().destroy();
    String rest = drain(out2, second);
    assertThat(second.exitValue()).as(rest).isZero();
    assertThat(rest).contains("previous run did not exit cleanly").doesNotContain("history write failed");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database());
        Statement st = db.createStatement()) {
      assertThat(text(st, "PRAGMA integrity_check")).isEqualTo("ok");
      assertRollupsEqualRawSums(st);
      assertThat(number(st, "SELECT count(*) FROM energy_raw WHERE start_ms < " + lastEnd)).isPositive();
      assertThat(number(st, "SELECT count(*) FROM energy_raw WHERE start_ms >= " + killedAt)).isPositive();
    }
  }

  /** The GPUs' energy the daemon's sampler has accounted, summed, from one scrape of /metrics. */
  private static double accountedEnergyJoules(int port) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Matcher m = ENERGY.matcher(r.body());
    double sum = 0;
    int series = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
      series++;
    }
    assertThat(series).as(r.body()).isEqualTo(2);
    assertThat(sum).as(r.body()).isPositive();
    return sum;
  }

  private static void signal(Process process, String signal) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
  }

  private static void assertRollupsEqualRawSums(Statement st) throws SQLException {
    for (String column : List.of("energy_mj", "busy_ms")) {
      long raw = number(st, "SELECT sum(" + column + ") FROM energy_raw");
      assertThat(raw).as(column).isPositive();
      assertThat(number(st, "SELECT sum(" + column + ") FROM energy_minute")).as(column).isEqualTo(raw);
      assertThat(number(st, "SELECT sum(" + column + ") FROM energy_hour")).as(column).isEqualTo(raw);
    }
  }

  /** Two simulated GPUs under a static cap, sampled and ticked every second. */
  private Path config() throws IOException {
    return TestDaemonConfig.write(
        dir, "interval: 1s", "sample-every: 1s", "history: {retention: {raw: 1d, minutes: 2d, hours: forever}}");
  }

  private Path database() {
    return dir.resolve("state").resolve("history.db");
  }

  /**
   * Polls the database read-only (as a report does) until the newest raw row's end passes {@code
   * test}; that end, in epoch milliseconds.
   */
  private long awaitMaxEnd(LongPredicate test) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    String last = "no database yet";
    while (System.nanoTime() < deadline) {
      if (Files.exists(database())) {
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:file:" + database() + "?mode=ro");
            Statement st = db.createStatement()) {
          long end = number(st, "SELECT coalesce(max(end_ms), 0) FROM energy_raw");
          if (test.test(end)) {
            return end;
          }
          last = "newest row ends at " + end;
        } catch (SQLException e) {
          last = e.getMessage(); // the schema may not be there yet
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("history did not advance: " + last);
  }

  private static long number(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String text(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private Process start(Path config) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
    Process p = withDefaultSignals(cmd).redirectErrorStream(true).start();
    started.add(p);
    return p;
  }
}
