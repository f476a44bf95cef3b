package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.fleet.FleetAuditRows;
import io.carbongovernor.daemon.testing.PostgresServer;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged daemons ({@code java -jar}, simulated GPUs, a state directory each) sharing one
 * PostgreSQL history, with the fleet's rollup firing every second: each firing runs on one node,
 * and when the node that ran the last one is killed with -9 the others take over.
 */
class FleetProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final String JOB = "fleet-rollup";
  private static final Duration CHECK_IN = Duration.ofSeconds(1);
  /** Quartz's grace for a node that stops checking in. */
  private static final Duration QUARTZ_GRACE = Duration.ofMillis(7500);
  /** Room for a loaded 2-core machine: three JVMs, PostgreSQL and the build. */
  private static final Duration MARGIN = Duration.ofSeconds(45);
  private static final Duration WAIT = Duration.ofSeconds(WAIT_SECONDS * 2);
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final Pattern RUNS =
      Pattern.compile("(?m)^carbon_governor_fleet_job_runs_total\\{job=\"fleet-rollup\",outcome=\"[a-z-]+\"\\} (\\S+)$");

  @TempDir Path dir;

  private final PostgresServer.Database db = PostgresServer.shared().createDatabase("fleetproc", "fleet process pw");
  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private record Node(String name, Process process, BlockingQueue<String> out, int port) {}

  private Node start(String name) throws Exception {
    Path home = Files.createDirectories(dir.resolve(name));
    Path password = home.resolve("db-password");
    Files.writeString(password, db.password() + "\n");
    Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
    Path config = TestDaemonConfig.write(home, "interval: 5s", "sample-every: 5s",
        "history: {url: '" + db.url() + "', user: " + db.user() + ", password-file: " + password + ", node-id: "
            + name + "}",
        "fleet: {cluster-check-in: " + CHECK_IN.toSeconds() + "s, rollup-every: 1s}");
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-jar", JAR.toString(), "run", "--config", config.toString()));
    Process p = withDefaultSignals(cmd).redirectErrorStream(true).start();
    started.add(p);
    BlockingQueue<String> out = lines(p);
    int port = Integer.parseInt(awaitLine(out, LISTEN).group(1));
    return new Node(name, p, out, port);
  }

  private static long finished(List<FleetAuditRows.Row> rows, long scheduledAfter) {
    return rows.stream().filter(r -> r.outcome() != null && r.scheduledMs() > scheduledAfter).count();
  }

  @Test
  void eachFiringRunsOnceAndAKilledNodesFiringsMoveToTheOthers() throws Exception {
    Map<String, Node> nodes = new LinkedHashMap<>();
    for (String name : List.of("node-a", "node-b", "node-c")) {
      nodes.put(name, start(name));
    }
    List<FleetAuditRows.Row> rows = FleetAuditRows.await(db::connect, JOB, WAIT, "five firings",
        all -> finished(all, 0) >= 5);
    FleetAuditRows.Row last = rows.stream().filter(r -> r.outcome() != null).reduce((x, y) -> y).orElseThrow();
    Node victim = nodes.remove(last.node());
    victim.process().destroyForcibly(); // SIGKILL: no clean shutdown, no last check-in
    long killedAt = System.currentTimeMillis();
    assertThat(victim.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

    rows = FleetAuditRows.await(db::connect, JOB, WAIT, "three firings after the kill",
        all -> finished(all, killedAt) >= 3);
    FleetAuditRows.Row firstAfter = rows.stream().filter(r -> r.scheduledMs() > killedAt).findFirst().orElseThrow();
    assertThat(firstAfter.startedMs() - killedAt)
        .as("the next firing ran within the check-in interval, Quartz's grace and a margin")
        .isLessThan(CHECK_IN.plus(QUARTZ_GRACE).plus(MARGIN).toMillis());
    assertThat(rows.stream().filter(r -> r.scheduledMs() > killedAt).map(FleetAuditRows.Row::node))
        .doesNotContain(victim.name());

    // The survivor that ran the first firing after the kill; read before the scrape, as a node
    // counts a run before it audits its end.
    Node survivor = nodes.get(firstAfter.node());
    long ranThere = FleetAuditRows.read(db::connect, JOB).stream()
        .filter(r -> r.node().equals(survivor.name()) && r.outcome() != null).count();
    String scrape = HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + survivor.port() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
    assertThat(scrape).contains("carbon_governor_fleet_scheduler_up 1.0");
    Matcher runs = RUNS.matcher(scrape);
    double total = 0;
    while (runs.find()) {
      total += Double.parseDouble(runs.group(1));
    }
    assertThat(total).as("the node's count of its fleet runs").isGreaterThanOrEqualTo(ranThere).isPositive();

    for (Node n : nodes.values()) {
      n.process().toHandle().destroy(); // SIGTERM
    }
    for (Node n : nodes.values()) {
      String rest = drain(n.out(), n.process());
      assertThat(n.process().exitValue()).as(rest).isZero();
    }
    rows = FleetAuditRows.read(db::connect, JOB);
    assertThat(rows).as("every firing finished, once; at most the one the killed node was running was run again")
        .allSatisfy(r -> assertThat(r.outcome()).isNotNull());
    assertThat(rows.stream().filter(r -> r.attempts() > 1)).hasSizeLessThanOrEqualTo(1)
        .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(2));
  }
}
