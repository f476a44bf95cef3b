package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.daemon.testing.PostgresServer;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A three-node fleet end to end: three packaged daemons (separate processes and state
 * directories, each on the fake NVML library with a GPU state of its own) on one real PostgreSQL
 * history, with the fleet's jobs on its cluster. The
 * database goes away for a minute mid-run and comes back: every node kept controlling, nothing
 * recorded meanwhile is lost or doubled, and the fleet's report (read from the database only, as
 * from a machine with just the CLI) equals the sum of the nodes' own reports (each from its own
 * spool).
 */
class FleetEndToEndIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path FAKE_NVML =
      Path.of(System.getProperty("fake-nvml.library")).toAbsolutePath().normalize();
  private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final Pattern UNSENT = Pattern.compile("(?m)^carbon_governor_spool_unsent_samples (\\S+)$");
  private static final Pattern DB_UP = Pattern.compile("(?m)^carbon_governor_fleet_database_up (\\S+)$");
  private static final String PASSWORD = "three node fleet pw";

  @TempDir Path dir;

  private final PostgresServer server = PostgresServer.shared();
  private final PostgresServer.Database db = server.createDatabase("fleet_e2e", PASSWORD);
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws Exception {
    started.forEach(Process::destroyForcibly);
  }

  private record Node(String name, Process process, BlockingQueue<String> out, int port) {}

  @Test
  void threeNodesRideOutAMinuteWithoutTheDatabaseAndTheFleetReportIsTheSumOfTheirs() throws Exception {
    List<Node> nodes = new ArrayList<>();
    for (String name : NODES) {
      nodes.add(start(name));
    }
    for (Node n : nodes) {
      awaitFleetRows(n.name(), 0);
    }

    // A minute without the database: control goes on, the spools grow.
    long outageStart = System.currentTimeMillis();
    server.stopForOutage();
    try {
      TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis()); // the outage itself is what is under test
      for (Node n : nodes) {
        assertThat(n.process().isAlive()).as(n.name() + " runs on without its database").isTrue();
        String metrics = scrape(n.port());
        assertThat(gauge(DB_UP, metrics)).as(n.name() + " knows the database is away").isZero();
        assertThat(gauge(UNSENT, metrics)).as(n.name() + " spools what it cannot send").isPositive();
        assertThat(get(n.port(), "/v1/status")).as(n.name() + " still decides").contains("\"gpus\"");
      }
    } finally {
      server.restart();
    }
    long outageEnd = System.currentTimeMillis();

    // Back: every spool drains (the shipper's backoff is at most a few tens of seconds by now).
    for (Node n : nodes) {
      awaitDrained(n);
    }
    awaitRollupAfter(outageEnd);
    for (Node n : nodes) {
      n.process().toHandle().destroy(); // SIGTERM: a clean stop sends what is left
    }
    for (Node n : nodes) {
      String rest = drain(n.out(), n.process());
      assertThat(n.process().exitValue()).as(rest).isZero();
      assertThat(rest).doesNotContain(PASSWORD);
    }

    try (Connection fleet = db.connect()) {
      for (String node : NODES) {
        long raw = number(fleet, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "'");
        assertThat(number(fleet, "SELECT sum(samples) FROM energy_hour WHERE node = '" + node + "'"))
            .as(node + ": every raw sample in the rollups exactly once").isEqualTo(raw);
        assertThat(number(fleet, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "' AND start_ms > "
                + (outageStart + 5_000) + " AND end_ms < " + (outageEnd - 5_000)))
            .as(node + ": the samples taken while the database was away arrived")
            .isGreaterThanOrEqualTo(2L * (OUTAGE.toSeconds() - 20));
        assertThat(number(fleet, "SELECT count(*) FROM decisions WHERE node = '" + node + "' AND decided_at_ms > "
                + outageStart + " AND decided_at_ms < " + outageEnd))
            .as(node + ": the decisions made meanwhile arrived").isPositive();
      }
      String afterOutage = " FROM fleet_job_runs WHERE job = 'fleet-rollup' AND scheduled_ms > " + outageEnd;
      assertThat(number(fleet, "SELECT count(*)" + afterOutage))
          .as("the fleet's rollup fires again once the database is back").isPositive();
      assertThat(number(fleet, "SELECT count(*)" + afterOutage + " AND (attempts <> 1 OR outcome <> 'ok')"))
          .as("each firing since ran once, on one node, and did its work").isZero();
    }

    // The fleet's report, from the database alone, against each node's own report, from its spool.
    JsonNode whole = report("--history", db.url(), "--history-user", db.user(), "--history-password-file",
        passwordFile().toString());
    double kwh = 0;
    double kg = 0;
    double avoided = 0;
    for (String node : NODES) {
      JsonNode own = report("--history", "jdbc:sqlite:" + dir.resolve(node).resolve("state").resolve("spool.db"));
      JsonNode inFleet = report("--history", db.url(), "--history-user", db.user(), "--history-password-file",
          passwordFile().toString(), "--node", node);
      assertThat(own.at("/totals/energy_kwh").asDouble()).as(node + ": its own report and the fleet's part agree")
          .isPositive()
          .isCloseTo(inFleet.at("/totals/energy_kwh").asDouble(), within(1e-9));
      kwh += own.at("/totals/energy_kwh").asDouble();
      kg += own.at("/totals/emissions_kg").asDouble();
      avoided += own.at("/totals/avoided_kg").asDouble();
    }
    assertThat(whole.at("/totals/energy_kwh").asDouble()).isCloseTo(kwh, within(1e-9));
    assertThat(whole.at("/totals/emissions_kg").asDouble()).isCloseTo(kg, within(1e-9));
    assertThat(whole.at("/totals/avoided_kg").asDouble()).isCloseTo(avoided, within(1e-9));
    JsonNode byNode = report("--history", db.url(), "--history-user", db.user(), "--history-password-file",
        passwordFile().toString(), "--by", "node");
    List<String> keys = new ArrayList<>();
    byNode.get("rows").forEach(r -> keys.add(r.get("key").asString()));
    assertThat(keys).containsExactlyElementsOf(NODES);
  }

  private Path passwordFile() throws IOException {
    Path password = dir.resolve("db-password");
    if (!Files.exists(password)) {
      Files.writeString(password, PASSWORD + "\n");
      Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    }
    return password;
  }

  private Node start(String name) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name));
    // Each node's GPUs: the fake NVML with a state file of its own (two GPUs, the same UUIDs on
    // every node, so that only the node id tells their rows apart), its own GPU locks.
    Path config = TestDaemonConfig.write(home, "interval: 2s", "sample-every: 1s",
        "gpu: {backend: nvml, nvml-library: " + FAKE_NVML + ", lock-dir: " + home.resolve("locks") + "}",
        "history: {url: '" + db.url() + "', user: " + db.user() + ", password-file: " + passwordFile() + ", node-id: "
            + name + "}",
        "fleet: {cluster-check-in: 2s, rollup-every: 2s, retention-every: 10s}");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
    ProcessBuilder pb = withDefaultSignals(cmd).redirectErrorStream(true);
    pb.environment().put("FAKE_NVML_STATE", home.resolve("hardware").toString());
    pb.environment().put("FAKE_NVML_DEVICE_COUNT", "2");
    Process p = pb.start();
    started.add(p);
    BlockingQueue<String> out = lines(p);
    int port = Integer.parseInt(awaitLine(out, LISTEN).group(1));
    return new Node(name, p, out, port);
  }

  /** A report over yesterday to tomorrow (UTC), as JSON, from the packaged CLI. */
  private JsonNode report(String... args) throws Exception {
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-jar", JAR.toString(), "report", "--format", "json", "--from", today.minusDays(1).toString(),
        "--to", today.plusDays(1).toString()));
    cmd.addAll(List.of(args));
    Process p = withDefaultSignals(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    assertThat(out + err).doesNotContain(PASSWORD);
    return JsonMapper.builder().build().readTree(out);
  }

  private void awaitDrained(Node n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS * 3L);
    String metrics = "";
    while (System.nanoTime() < deadline) {
      metrics = scrape(n.port());
      if (gauge(DB_UP, metrics) == 1 && gauge(UNSENT, metrics) == 0) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(500);
    }
    throw new AssertionError(n.name() + " did not drain its spool:\n" + metrics);
  }

  /** Polls until a fleet rollup scheduled after {@code afterMs} has run to its end. */
  private void awaitRollupAfter(long afterMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS * 2L);
    while (System.nanoTime() < deadline) {
      try (Connection fleet = db.connect()) {
        if (number(fleet, "SELECT count(*) FROM fleet_job_runs WHERE job = 'fleet-rollup' AND outcome IS NOT NULL"
            + " AND scheduled_ms > " + afterMs) > 0) {
          return;
        }
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError("no fleet rollup ran within " + WAIT_SECONDS * 2 + " s of the database's return");
  }

  /** Polls until the node has a raw row in the fleet database that starts after {@code afterMs}. */
  private void awaitFleetRows(String node, long afterMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS * 2L);
    while (System.nanoTime() < deadline) {
      try (Connection fleet = db.connect()) {
        if (number(fleet, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "' AND start_ms > " + afterMs)
            > 0) {
          return;
        }
      } catch (SQLException e) {
        // the schema may not be there yet
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    throw new AssertionError(node + " sent no raw row within " + WAIT_SECONDS * 2 + " s");
  }

  private static double gauge(Pattern p, String metrics) {
    Matcher m = p.matcher(metrics);
    assertThat(m.find()).as(p + " in\n" + metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  private static String scrape(int port) throws Exception {
    return get(port, "/metrics");
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static long number(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
