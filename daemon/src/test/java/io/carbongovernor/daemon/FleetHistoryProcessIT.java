package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.PostgresServer;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two packaged daemons ({@code java -jar}), each with its own state directory and simulated GPUs,
 * writing into one real PostgreSQL as two nodes: what each spooled arrives once, a kill -9 and a
 * restart included.
 */
class FleetHistoryProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final String PASSWORD = "fleet it pw";
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final String ROLLUP =
      "bucket_ms, gpu_uuid, gpu_index, team, job, profile_source, samples, energy_mj, baseline_mj,"
          + " unknown_energy_mj, busy_ms, extra_ms, throttled_ms";

  @TempDir Path dir;

  private final PostgresServer.Database db = PostgresServer.shared().createDatabase("fleetit", PASSWORD);
  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void twoNodesWriteIntoOneDatabaseAndAKillMinusNineDoublesNothing() throws Exception {
    Path a = config("node-a");
    Path b = config("node-b");
    Process nodeA = start(a);
    BlockingQueue<String> outA = lines(nodeA);
    Process nodeB = start(b);
    BlockingQueue<String> outB = lines(nodeB);
    int portB = Integer.parseInt(awaitLine(outB, LISTEN).group(1));
    awaitFleetRows("node-a", 0);
    awaitFleetRows("node-b", 0);
    assertThat(scrape(portB)).contains("carbon_governor_fleet_database_up 1.0")
        .contains("carbon_governor_fleet_node_id_refused 0.0");

    long killedAt = System.currentTimeMillis();
    nodeA.destroyForcibly(); // SIGKILL, whatever the sampler or the shipper was doing
    assertThat(nodeA.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Process again = start(a);
    BlockingQueue<String> outAgain = lines(again);
    awaitFleetRows("node-a", killedAt); // its own previous run held the id: taken back at once

    nodeB.toHandle().destroy(); // SIGTERM: a clean stop sends what is left
    again.toHandle().destroy();
    String restB = drain(outB, nodeB);
    String restA = drain(outAgain, again);
    assertThat(nodeB.exitValue()).as(restB).isZero();
    assertThat(again.exitValue()).as(restA).isZero();
    assertThat(restA + restB).doesNotContain("another machine holds this node id").doesNotContain(PASSWORD);

    try (Connection fleet = db.connect()) {
      for (String node : List.of("node-a", "node-b")) {
        Path spool = dir.resolve(node).resolve("state").resolve("spool.db");
        assertThat(rows(fleet, "SELECT " + ROLLUP + " FROM energy_hour WHERE node = '" + node + "' ORDER BY "
                + "bucket_ms, gpu_uuid, team, job, profile_source"))
            .as(node + ": the fleet's hours are the node's own")
            .isNotEmpty()
            .isEqualTo(spoolRows(spool, "SELECT " + ROLLUP + " FROM energy_hour ORDER BY "
                + "bucket_ms, gpu_uuid, team, job, profile_source"));
        long raw = number(fleet, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "'");
        assertThat(number(fleet, "SELECT sum(samples) FROM energy_hour WHERE node = '" + node + "'"))
            .as(node + ": every raw sample once, in the rollups once").isEqualTo(raw);
        assertThat(number(fleet, "SELECT sum(energy_mj) FROM energy_minute WHERE node = '" + node + "'"))
            .isEqualTo(number(fleet, "SELECT sum(energy_mj) FROM energy_raw WHERE node = '" + node + "'"));
      }
      assertThat(number(fleet, "SELECT count(*) FROM nodes WHERE instance = ''"))
          .as("both stopped cleanly and gave their ids up").isEqualTo(2);
    }
  }

  private Path config(String node) throws IOException {
    Path home = Files.createDirectories(dir.resolve(node));
    Path password = home.resolve("db-password");
    Files.writeString(password, PASSWORD + "\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    return TestDaemonConfig.write(home, "interval: 1s", "sample-every: 1s",
        "history: {url: '" + db.url() + "', user: " + db.user() + ", password-file: " + password + ", node-id: "
            + node + "}");
  }

  /** Polls the fleet database until the node has a raw row that starts after {@code afterMs}. */
  private void awaitFleetRows(String node, long afterMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    long seen = 0;
    while (System.nanoTime() < deadline) {
      try (Connection fleet = db.connect()) {
        seen = number(fleet, "SELECT count(*) FROM energy_raw WHERE node = '" + node + "' AND start_ms > " + afterMs);
        if (seen > 0) {
          return;
        }
      } catch (SQLException e) {
        // the schema may not be there yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(node + " sent no raw row after " + afterMs + " within " + WAIT_SECONDS + " s");
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  private static List<String> spoolRows(Path spool, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + spool)) {
      return rows(c, sql);
    }
  }

  private static List<String> rows(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          row.append(v instanceof Number num ? Long.toString(num.longValue()) : v).append('|');
        }
        out.add(row.toString());
      }
    }
    return out;
  }

  private static long number(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
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
