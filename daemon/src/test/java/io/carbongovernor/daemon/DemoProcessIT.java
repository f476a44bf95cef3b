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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
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
  private static final Path PYTHON_CLIENT = Path.of("..", "clients", "python").toAbsolutePath().normalize();
  private static final Path TRAINING = Path.of("src", "test", "python", "demo_training.py").toAbsolutePath();
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
    Path trace = Files.createDirectories(dir.resolve("traces")).resolve("US-CAL-CISO_2023_hourly.csv");
    Files.copy(TRACES.resolve(trace.getFileName()), trace);
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

  /**
   * {@code carbon-governor status}, asked again until {@code done} holds: while it times out (it
   * waits 5 s for an answer, which a starved daemon may miss) and while the daemon's last tick is
   * older than what the test waits for. A read, so asking again changes nothing.
   */
  private Finished status(Path config, Predicate<Finished> done, String... options) throws Exception {
    List<String> cmd = jar("status", "--config", config.toString());
    cmd.addAll(List.of(options));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    Finished status = run(cmd);
    while (!(status.exit() == 0 && done.test(status)) && System.nanoTime() < deadline) {
      assertThat(status.exit() == 0 || status.err().contains("no daemon answers")).as(status.err()).isTrue();
      Thread.sleep(500); // the daemon ticks every 10 s on its own clock
      status = run(cmd);
    }
    assertThat(status.exit()).as(status.err()).isZero();
    return status;
  }

  private static JsonNode json(String text) {
    return JsonMapper.builder().build().readTree(text);
  }

  /**
   * The stand-in training script, registering itself through the carbon_governor package of this
   * checkout, on GPU 3 as the demo's comment shows a user how ({@code
   * CARBON_GOVERNOR_SIMULATED_GPUS=3}); its stderr in {@code dir/training.txt}.
   */
  private Process training() throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder("python3", TRAINING.toString(), socket().toString(), Long.toString(WAIT_SECONDS))
            .redirectError(dir.resolve("training.txt").toFile());
    Map<String, String> env = pb.environment();
    env.put("PYTHONPATH", PYTHON_CLIENT.toString());
    env.put(DeclaredProcesses.VARIABLE, "3");
    // GPU 3 as the job sees it must be GPU 3 of the machine, and the client must use the socket.
    List.of("CUDA_VISIBLE_DEVICES", "CARBON_GOVERNOR_SOCKET", "CARBON_GOVERNOR_URL").forEach(env::remove);
    return start(pb);
  }

  /** The training script's next answer {@code {"<what>": ...}}, with its stderr if it never comes. */
  private JsonNode said(BlockingQueue<String> said, String what) throws Exception {
    try {
      List<String> lines = awaitLine(said, "{\"" + what + "\":");
      return json(lines.get(lines.size() - 1)).get(what);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "\ntraining script's stderr:\n" + Files.readString(dir.resolve("training.txt")), e);
    }
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
    Map<Integer, Matcher> first = new HashMap<>();
    while (!first.containsKey(0) || !first.containsKey(1)) {
      Matcher m = awaitLine(out, CHANGED);
      first.putIfAbsent(Integer.parseInt(m.group(1)), m);
    }
    assertThat(first.get(0).group(3)).isEqualTo("team vision");
    assertThat(first.get(1).group(3)).isEqualTo("team nlp");
    int vision = Integer.parseInt(first.get(0).group(2));
    int nlp = Integer.parseInt(first.get(1).group(2));
    assertThat(vision).isLessThan(300);
    assertThat(nlp).as("nlp caps harder than vision").isLessThan(vision);

    // A training script of ours on GPU 3 registers itself through the client's context manager.
    Process job = training();
    BlockingQueue<String> said = lines(job);
    JsonNode registered = said(said, "registered");
    assertThat(registered.get("pid").asLong()).isEqualTo(job.pid());
    assertThat(registered.get("name").asString()).isEqualTo("resnet50-demo");
    assertThat(registered.get("claims").get(0).get("gpu").asInt()).isEqualTo(3);
    String id = registered.get("id").asString();
    List<String> log = awaitLine(out, "job registered");
    assertThat(log.get(log.size() - 1))
        .contains("job=\"" + id + "\"").contains("pid=\"" + job.pid() + "\"").contains("gpus=\"[gpu3]\"");
    // A user in no team follows the default policy; one that a demo team lists (the account
    // running the test may be), that team's.
    JsonNode team = registered.path("team");
    String policyOfTheJob = team.isNull() || team.isMissingNode() ? "default policy: " : "team " + team.asString() + ": ";

    // At a tick after that, the daemon sees the script on GPU 3: the job's claim runs.
    JsonNode advice = said(said, "running");
    assertThat(advice.get("claims").get(0).get("state").asString()).isEqualTo("running");

    // The status of a tick that saw the job lists both teams and the job's work on GPU 3.
    Finished status =
        status(config, seen -> json(seen.out()).path("gpus").path(3).path("claimed_by").size() > 0, "--format", "json");
    JsonNode s = json(status.out());
    assertThat(s.get("jobs").asInt()).isEqualTo(1);
    JsonNode gpus = s.get("gpus");
    assertThat(gpus.get(0).get("claimed_by").get(0).asString()).isEqualTo("vision");
    assertThat(gpus.get(0).get("reason").asString()).startsWith("team vision: ");
    assertThat(gpus.get(1).get("claimed_by").get(0).asString()).isEqualTo("nlp");
    assertThat(gpus.get(1).get("reason").asString()).startsWith("team nlp: ");
    // The hour, and with it the limits, may have changed since the first tick; the teams' order not.
    assertThat(gpus.get(0).get("limit_w").asDouble()).isLessThan(300);
    assertThat(gpus.get(1).get("limit_w").asDouble()).isLessThan(gpus.get(0).get("limit_w").asDouble());
    assertThat(gpus.get(2).get("reason").asString()).startsWith("default policy: ");
    assertThat(gpus.get(3).get("reason").asString()).as(gpus.get(3).toString()).startsWith(policyOfTheJob);

    Finished text = status(config, answered -> true);
    assertThat(text.out())
        .contains("1 job(s)")
        .containsPattern("(?m)^0 .* team vision: ")
        .containsPattern("(?m)^1 .* team nlp: ")
        .containsPattern("(?m)^3 .* " + Pattern.quote(policyOfTheJob));

    // The script's with-block ends: the job finishes with what the daemon billed it.
    job.getOutputStream().close();
    JsonNode finished = said(said, "finished");
    assertThat(finished.isObject()).as("the daemon's answer to finish: %s", finished).isTrue();
    assertThat(job.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(job.exitValue()).as(Files.readString(dir.resolve("training.txt"))).isZero();

    daemon.toHandle().destroy(); // SIGTERM
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    // The teams' GPUs are capped at every hour; GPUs 2 and 3 may have stayed at 300 W on a clean
    // one: a GPU the daemon never changed is not in the ledger and has nothing to restore. One it
    // was seen capped on is restored, and the count is of the GPUs restored.
    for (int gpu = 0; gpu < 2; gpu++) {
      assertThat(rest).containsPattern("power limit restored gpu=\"gpu" + gpu + "\" .* limit=\"300 W\"");
    }
    for (int gpu = 2; gpu < 4; gpu++) {
      if (gpus.get(gpu).get("limit_w").asDouble() < 300) {
        assertThat(rest).containsPattern("power limit restored gpu=\"gpu" + gpu + "\" .* limit=\"300 W\"");
      }
    }
    long restoredLines = Pattern.compile("power limit restored gpu=").matcher(rest).results().count();
    assertThat(restoredLines).isBetween(2L, 4L);
    assertThat(rest).contains("original power limits restored gpus=\"" + restoredLines + "\" not_restored=\"0\"");
    assertThat(dir.resolve("state").resolve("history.db")).exists();
  }
}
