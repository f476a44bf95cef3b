package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue end to end on the packaged daemon ({@code java -jar}, two simulated GPUs, the bundled
 * trace): jobs submitted by {@code nobody} through the CLI run as nobody, with the GPUs in
 * CUDA_VISIBLE_DEVICES and none of the submitter's other variables; and across kill -9 at random
 * points while jobs are queued and starting, every job runs exactly once, never after its latest
 * start. Each job's command appends one line per run to a file named after its
 * CARBON_GOVERNOR_JOB_ID: the record that it ran, as whom, and when.
 */
class QueueProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** What a job records: uid, groups, CUDA_VISIBLE_DEVICES, a variable passed with --env, and the start (ns). */
  private static final String RECORD =
      "printf '%s|%s|%s|%s|%s|%s\\n' \"$(id -u)\" \"$(id -G)\" \"${CUDA_VISIBLE_DEVICES-unset}\""
          + " \"${MARK-unset}\" \"${SECRET-unset}\" \"$(date +%s%N)\" >> \"$RECORDS/$CARBON_GOVERNOR_JOB_ID\"";
  /** The kill -9 rounds: bounded, each at a random point of the queue's life. */
  private static final int ROUNDS = 5;

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void jobsSubmittedByNobodyRunAsNobodyExactlyOnceAcrossKillMinusNine() throws Exception {
    assumeTrue(new UnixSystem().getUid() == 0 && Files.isExecutable(SETPRIV),
        "starting jobs as another user needs root and setpriv");
    // nobody must reach the work folder and write records there, and read the jar.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path records = Files.createDirectories(dir.resolve("records"));
    Files.setPosixFilePermissions(records, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path config = TestDaemonConfig.write(dir, "interval: 1s",
        "queue: {launcher: setpriv, margin: 0s, check-every: 5s}");
    Path socket = dir.resolve("run/api.sock");

    Process daemon = start(config);
    awaitLine(lines(daemon), "local API listening");

    int jobs = 6;
    for (int i = 0; i < jobs; i++) {
      Map<String, String> env = Map.of("MARK", "m" + i, "SECRET", "kept-from-the-job");
      String out = asNobody(env, "submit", "--socket", socket.toString(), "--name", "probe-" + i,
          "--deadline", "3m", "--expected", "1m", "--gpus", i % 2 == 0 ? "1" : "0,1", "--env", "MARK",
          "--env", "RECORDS=" + records, "--log", records.resolve("probe-" + i + ".log").toString(),
          "--format", "json", "--", "/bin/sh", "-c", RECORD);
      assertThat(JSON.readTree(out).get("uid").longValue()).isEqualTo(65534);
    }

    Random random = new Random(7);
    for (int round = 0; round < ROUNDS; round++) {
      Thread.sleep(random.nextInt(4000));
      daemon.destroyForcibly(); // SIGKILL, wherever the queue was
      assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
      daemon = start(config);
      awaitLine(lines(daemon), "local API listening");
    }

    JsonNode all = awaitAllDone(socket, Instant.now().plus(Duration.ofMinutes(4)));
    for (JsonNode job : all) {
      String id = job.get("id").stringValue();
      String state = job.get("state").stringValue();
      // CARBON_GOVERNOR_JOB_ID is the job API's id the started job was registered under.
      Path record = records.resolve(job.get("job_id").isNull() ? id : job.get("job_id").stringValue());
      Instant latest = Instant.parse(job.get("latest_start").stringValue());
      if (state.equals("failed") && !Files.exists(record)) {
        continue; // its latest start passed while the daemon was down: refused, never run late
      }
      assertThat(state).as("%s: %s", id, job).isIn("started", "finished");
      assertThat(record).as("%s ran: %s; its log: %s; records: %s", id, job,
          read(records.resolve(job.get("name").stringValue() + ".log")), list(records)).exists();
      List<String> runs = Files.readAllLines(record, StandardCharsets.UTF_8);
      assertThat(runs).as("%s ran exactly once", id).hasSize(1);
      String[] f = runs.get(0).split("\\|", -1);
      assertThat(f[0]).as("uid").isEqualTo("65534");
      assertThat(f[1].split(" ")).as("groups").containsOnly("65534");
      assertThat(f[2]).as("CUDA_VISIBLE_DEVICES").startsWith("GPU-");
      assertThat(f[2].split(",")).hasSize(job.get("gpus").has("count") ? 1 : 2);
      assertThat(f[3]).as("--env MARK").startsWith("m");
      assertThat(f[4]).as("a variable not passed").isEqualTo("unset");
      Instant ran = Instant.ofEpochSecond(0, Long.parseLong(f[5]));
      assertThat(ran).as("%s started by its latest start", id).isBeforeOrEqualTo(latest.plusSeconds(1));
    }
    assertThat(all).hasSize(jobs);
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "(none)";
  }

  private static List<String> list(Path folder) throws IOException {
    try (var files = Files.list(folder)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  /** Asks as root until no job is queued or starting; the jobs. */
  private JsonNode awaitAllDone(Path socket, Instant until) throws Exception {
    JsonNode jobs = JSON.createArrayNode();
    while (Instant.now().isBefore(until)) {
      jobs = JSON.readTree(cli(List.of(), "queue", "--socket", socket.toString(), "--format", "json")).get("jobs");
      boolean pending = false;
      for (JsonNode j : jobs) {
        pending |= List.of("queued", "starting").contains(j.get("state").stringValue());
      }
      if (!pending && !jobs.isEmpty()) {
        return jobs;
      }
      Thread.sleep(1000);
    }
    throw new AssertionError("jobs still pending: " + jobs);
  }

  private String asNobody(Map<String, String> env, String... args) throws Exception {
    return cli(List.of(SETPRIV.toString(), "--reuid=nobody", "--regid=nogroup", "--init-groups"), env, args);
  }

  private String cli(List<String> prefix, String... args) throws Exception {
    return cli(prefix, Map.of(), args);
  }

  private String cli(List<String> prefix, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.addAll(List.of("-XX:-UsePerfData", "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.resolve("records").toFile());
    Map<String, String> environment = new HashMap<>(pb.environment());
    environment.putAll(env);
    pb.environment().clear();
    pb.environment().putAll(environment);
    Path err = Files.createTempFile(dir, "cli", ".err");
    Process p = pb.redirectError(err.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", args), Files.readString(err)).isZero();
    return out;
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
