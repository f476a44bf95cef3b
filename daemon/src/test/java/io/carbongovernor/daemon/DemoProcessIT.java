package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.DeclaredProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded default as a user runs it: the packaged jar on a copy of config/demo.yaml and its
 * teams.d, its state in the copy's folder, a job registered through the Python client.
 */
class DemoProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();
  private static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();
  private static final Path CLIENT =
      Path.of("..", "clients", "python", "carbon_governor_client.py").toAbsolutePath().normalize();
  private static final Pattern CHANGED =
      Pattern.compile("limit changed gpu=\"gpu(\\d)\".* new_w=\"(\\d+)\".* reason=\"(team \\w+|default policy): ");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon or the pretend training process running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /**
   * The demo's files as shipped, in {@code dir/config} next to {@code dir/traces}, so that its
   * relative paths put the state (database, ledger, socket) in {@code dir/state}. Only the API's
   * port changes: any free one, not 9464.
   */
  private Path demo() throws IOException {
    Path config = Files.createDirectories(dir.resolve("config"));
    Files.createDirectories(config.resolve("teams.d"));
    try (Stream<Path> teams = Files.list(CONFIG_DIR.resolve("teams.d"))) {
      for (Path team : teams.toList()) {
        Files.copy(team, config.resolve("teams.d").resolve(team.getFileName()));
      }
    }
    Files.createSymbolicLink(dir.resolve("traces"), TRACES);
    String shipped = Files.readString(CONFIG_DIR.resolve("demo.yaml"));
    assertThat(shipped).contains("listen: 127.0.0.1:9464").contains("state-dir: ../state");
    Path file = config.resolve("demo.yaml");
    Files.writeString(file, shipped.replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0"));
    return file;
  }

  private static List<String> jar(String... args) {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A command run to its end: its exit status and what it printed on stdout and stderr. */
  private record Finished(int exit, String out, String err) {}

  private Finished run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("stderr.txt").toFile()).start();
    started.add(p);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("%s exits", cmd).isTrue();
    return new Finished(p.exitValue(), out, Files.readString(dir.resolve("stderr.txt")));
  }

  private Finished client(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", CLIENT.toString(), "--socket", socket().toString()));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private Path socket() {
    return dir.resolve("state").resolve("run").resolve("api.sock");
  }

  @Test
  void twoTeamsGetTheirOwnLimitsAndAJobRegisteredThroughThePythonClientRunsOnGpu3() throws Exception {
    Path config = demo();
    Process daemon = start(withDefaultSignals(jar("run", "--config", config.toString())).redirectErrorStream(true));
    BlockingQueue<String> out = lines(daemon);

    // The first tick caps each team's GPU by its own policy, whatever the hour's intensity (the
    // default policy on GPU 2 leaves it at full speed on a clean hour, so it may log nothing).
    int[] limit = new int[2];
    for (int gpu = 0; gpu < 2; gpu++) {
      Matcher m = awaitLine(out, CHANGED);
      assertThat(m.group(1)).isEqualTo(Integer.toString(gpu));
      assertThat(m.group(3)).isEqualTo(gpu == 0 ? "team vision" : "team nlp");
      limit[gpu] = Integer.parseInt(m.group(2));
    }
    assertThat(limit[0]).isLessThan(300);
    assertThat(limit[1]).as("nlp caps harder than vision").isLessThan(limit[0]);

    // A pretend training process of ours on GPU 3, registered through the client by its pid.
    ProcessBuilder training = new ProcessBuilder("sleep", "600");
    training.environment().put(DeclaredProcesses.VARIABLE, "3");
    Process job = start(training);
    Finished registered =
        client("register", "--name", "resnet50-demo", "--gpus", "3", "--pid", Long.toString(job.pid()), "--batch-size", "256");
    assertThat(registered.exit()).as(registered.err()).isZero();
    JsonNode answer = JsonMapper.builder().build().readTree(registered.out());
    String id = answer.get("id").asString();
    assertThat(answer.get("pid").asLong()).isEqualTo(job.pid());
    assertThat(answer.get("claims").get(0).get("gpu").asInt()).isEqualTo(3);

    // At the next tick its process is seen on GPU 3: the job's claim runs.
    JsonNode advice = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      Finished asked = client("advice", id);
      assertThat(asked.exit()).as(asked.err()).isZero();
      advice = JsonMapper.builder().build().readTree(asked.out());
      if (advice.get("claims").get(0).get("state").asString().equals("running")) {
        break;
      }
      Thread.sleep(500); // the daemon ticks every 10 s on its own clock
    }
    assertThat(advice.get("claims").get(0).get("state").asString()).as(advice.toString()).isEqualTo("running");

    Finished status = run(jar("status", "--config", config.toString(), "--format", "json"));
    assertThat(status.exit()).as(status.err()).isZero();
    JsonNode s = JsonMapper.builder().build().readTree(status.out());
    assertThat(s.get("jobs").asInt()).isEqualTo(1);
    JsonNode gpus = s.get("gpus");
    assertThat(gpus.get(0).get("claimed_by").get(0).asString()).isEqualTo("vision");
    assertThat(gpus.get(1).get("claimed_by").get(0).asString()).isEqualTo("nlp");
    assertThat(gpus.get(0).get("limit_w").asDouble()).isEqualTo(limit[0]);
    assertThat(gpus.get(1).get("limit_w").asDouble()).isEqualTo(limit[1]);
    assertThat(gpus.get(2).get("reason").asString()).startsWith("default policy: ");
    assertThat(gpus.get(3).get("claimed_by")).as("the job's work").isNotEmpty();

    Finished text = run(jar("status", "--config", config.toString()));
    assertThat(text.out()).contains("1 job(s)").containsPattern("(?m)^0 .* team vision: ").containsPattern("(?m)^1 .* team nlp: ");

    daemon.toHandle().destroy(); // SIGTERM
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(rest).contains("original power limits restored gpus=\"4\" not_restored=\"0\"");
    assertThat(dir.resolve("state").resolve("history.db")).exists();
  }
}
