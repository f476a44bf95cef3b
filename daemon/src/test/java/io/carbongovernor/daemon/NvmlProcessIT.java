package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The packaged jar with {@code backend: nvml} on the fake libnvidia-ml.so.1, in child processes.
 * The fake keeps its GPUs in a state file ({@code FAKE_NVML_STATE}) so that, as with real GPUs,
 * their limits outlive a killed daemon and every process sees the same "hardware".
 */
class NvmlProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path FAKE = Path.of(System.getProperty("fake-nvml.library")).toAbsolutePath().normalize();
  private static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();

  @TempDir Path dir;

  private Path hardware() {
    return dir.resolve("gpus.state");
  }

  private ProcessBuilder command(Map<String, String> env, String... args) {
    assertThat(FAKE).as("fake NVML built by gpu-control's test build").isRegularFile();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    busyGpus();
    pb.environment().put("FAKE_NVML_STATE", hardware().toString());
    pb.environment().put("FAKE_NVML_DEVICE_COUNT", "2");
    pb.environment().putAll(env);
    return pb;
  }

  /**
   * A GPU without work keeps its original limit, so the fake GPUs start with a process each (this
   * test's own JVM: it lives as long as the test, and its owner is in no team, so the default
   * policy applies).
   */
  private void busyGpus() {
    if (Files.exists(hardware())) {
      return;
    }
    long pid = ProcessHandle.current().pid();
    try {
      Files.writeString(hardware(), "procs.0=" + pid + ":1048576\nprocs.1=" + pid + ":1048576\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ProcessBuilder command(String... args) {
    return command(Map.of(), args);
  }

  private Path config(String mode) throws IOException {
    return config(mode, "1h");
  }

  private Path config(String mode, String interval) throws IOException {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor-" + mode + ".yaml");
    Files.writeString(file, String.join("\n",
        "zone: US-CAL-CISO",
        "interval: " + interval,
        "mode: " + mode,
        "state-dir: " + dir.resolve("state"),
        "gpu: {backend: nvml, nvml-library: " + FAKE + "}",
        "carbon:",
        "  sources:",
        "    - {type: trace, file: " + TRACES.resolve("US-CAL-CISO_2023_hourly.csv") + "}",
        "default-policy: {kind: static, cap: 60%}",
        // Any free port: another daemon or build on this machine may hold the default one.
        "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
        "teams-dir: " + teams,
        ""));
    return file;
  }

  /** The fake GPUs' state as the fake last wrote it. */
  private Map<String, String> gpuState() throws IOException {
    Map<String, String> state = new LinkedHashMap<>();
    for (String line : Files.readAllLines(hardware())) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        state.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return state;
  }

  /** Waits until the daemon's history holds {@code n} held-by-operator decisions for gpu0. */
  private void awaitHeldDecisions(int n) throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("state").resolve("history.db");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    int found = 0;
    while (System.nanoTime() < deadline) {
      try (Connection c = DriverManager.getConnection(url);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery(
              "SELECT count(*) FROM decisions WHERE gpu_index = 0 AND outcome = 'held-by-operator'")) {
        found = rs.next() ? rs.getInt(1) : 0;
      }
      if (found >= n) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling the child's database, not timing it
    }
    throw new AssertionError("only " + found + " held-by-operator decisions for gpu0");
  }

  /** Another process changes GPU {@code index}'s limit, as {@code nvidia-smi -pl} would. */
  private void setLimitBehindTheDaemonsBack(int index, int watts) throws IOException {
    Path lock = hardware().resolveSibling(hardware().getFileName() + ".lock");
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) { // the fake takes the same fcntl lock
      String key = "limit_mw." + index + "=";
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(hardware())) {
        lines.add(line.startsWith(key) ? key + watts * 1000 : line);
      }
      Path tmp = hardware().resolveSibling("gpus.state.operator");
      Files.write(tmp, lines);
      Files.move(tmp, hardware(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private List<Integer> limitsWatts() throws IOException {
    Map<String, String> s = gpuState();
    return List.of(Integer.parseInt(s.get("limit_mw.0")) / 1000, Integer.parseInt(s.get("limit_mw.1")) / 1000);
  }

  private List<Integer> setCalls() throws IOException {
    Map<String, String> s = gpuState();
    return List.of(Integer.parseInt(s.get("set_calls.0")), Integer.parseInt(s.get("set_calls.1")));
  }




  /** Runs a command to its end; returns its exit code and output. */
  private record Result(int exitCode, String output) {}

  private Result runToEnd(ProcessBuilder pb) throws Exception {
    Process p = pb.start();
    String out = drain(lines(p), p);
    return new Result(p.exitValue(), out);
  }

  private void killWhileThrottled(Path config) throws Exception {
    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    assertThat(limitsWatts()).containsExactly(180, 180);
    daemon.destroyForcibly(); // SIGKILL: no chance to restore
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    // Real GPUs keep the limit of a dead process.
    assertThat(limitsWatts()).containsExactly(180, 180);
  }

  @Test
  void afterKillMinusNineRestoreBringsEveryGpuBackAndClearsTheLedger() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).contains("\"limit_mw\":300000");

    Result restore = runToEnd(command(Map.of("FAKE_NVML_DEVICE_COUNT", ""), "restore", "--config", config.toString()));
    assertThat(restore.exitCode()).as(restore.output()).isZero();
    assertThat(restore.output()).contains("2 GPU(s) at their original power limit; ledger cleared");
    assertThat(limitsWatts()).containsExactly(300, 300);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();

    Result again = runToEnd(command("restore", "--config", config.toString()));
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("nothing to restore");
  }

  @Test
  void aRestoreThatCannotSetOneGpuExitsOneAndKeepsItForTheNextAttempt() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);

    Result refused = runToEnd(command(Map.of("FAKE_NVML_FAIL", "nvmlDeviceSetPowerManagementLimit@1=4"),
        "restore", "--config", config.toString()));
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("NOT restored").contains("NVML_ERROR_NO_PERMISSION")
        .contains("needs root or the CAP_SYS_ADMIN capability");
    assertThat(limitsWatts()).containsExactly(300, 180);

    Result retried = runToEnd(command("restore", "--config", config.toString()));
    assertThat(retried.exitCode()).as(retried.output()).isZero();
    assertThat(limitsWatts()).containsExactly(300, 300);
  }

  @Test
  void afterKillMinusNineTheNextStartRestoresFirst() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    List<Integer> setsBefore = setCalls();

    Process second = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(second);
    String startup = String.join("\n", awaitLine(out, "controlling"));
    assertThat(startup)
        .contains("previous run did not exit cleanly")
        .contains("power limit restored gpu=\"gpu0\"")
        .contains("power limit restored gpu=\"gpu1\"")
        .contains("original power limits restored gpus=\"2\" not_restored=\"0\"");
    assertThat(startup.indexOf("original power limits restored")).isLessThan(startup.indexOf("controlling"));
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    assertThat(limitsWatts()).containsExactly(180, 180);
    // Per GPU: one restore, then one set.
    assertThat(setCalls()).containsExactly(setsBefore.get(0) + 2, setsBefore.get(1) + 2);

    second.toHandle().destroy(); // SIGTERM
    String rest = drain(out, second);
    assertThat(second.exitValue()).as(rest).isZero();
    assertThat(limitsWatts()).containsExactly(300, 300);
  }

  @Test
  void aLimitChangedByAnotherProcessIsNoticedAndLeftAlone() throws Exception {
    Process daemon = command("run", "--config", config("enforce", "1s").toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    int setsOfGpu0 = setCalls().get(0);

    setLimitBehindTheDaemonsBack(0, 250);
    String seen = String.join("\n", awaitLine(out, "changed by someone else"));
    assertThat(seen).contains("gpu=\"gpu0\"").contains("limit=\"250 W\"");
    // Ticks go on every second (the history says so); gpu0 keeps the operator's limit.
    awaitHeldDecisions(3);
    assertThat(limitsWatts()).containsExactly(250, 180);
    assertThat(setCalls().get(0)).isEqualTo(setsOfGpu0);

    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
  }

  @Test
  void withoutAFreshSignalTheFailSafeKeepsEveryGpuAtItsOriginalLimit() throws Exception {
    Path stale = Files.writeString(dir.resolve("stale.csv"),
        "time,value\n2020-01-01T00:00:00Z,900\n2020-01-01T01:00:00Z,900\n");
    Path config = config("enforce");
    Files.writeString(config, Files.readString(config).replace(
        "{type: trace, file: " + TRACES.resolve("US-CAL-CISO_2023_hourly.csv") + "}",
        "{type: trace, file: " + stale + ", timing: absolute}"));
    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "fail-safe engaged");
    daemon.toHandle().destroy(); // the daemon finishes the tick in progress first
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    // full-speed: the 60 % cap of the policy never applied, no setter was needed.
    assertThat(limitsWatts()).containsExactly(300, 300);
    assertThat(setCalls()).containsExactly(0, 0);
  }

  @Test
  void shadowModeMakesZeroSetCallsOnTheGpus() throws Exception {
    Process daemon = command("run", "--config", config("shadow").toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "would set power limit gpu=\"gpu1\"");
    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(setCalls()).containsExactly(0, 0);
    assertThat(limitsWatts()).containsExactly(300, 300);
    assertThat(dir.resolve("state").resolve("ledger.jsonl")).isEmptyFile();
  }

  @Test
  void noPermissionOnOneGpuPutsItInShadowModeAndTheOtherIsStillControlled() throws Exception {
    Process daemon = command(Map.of("FAKE_NVML_FAIL", "nvmlDeviceSetPowerManagementLimit@1=4"),
        "run", "--config", config("enforce").toString()).start();
    BlockingQueue<String> out = lines(daemon);
    String seen = String.join("\n", awaitLine(out, "continues in shadow mode"));
    assertThat(seen).contains("needs root or the CAP_SYS_ADMIN capability").contains("gpu=\"gpu1\"");
    assertThat(limitsWatts()).containsExactly(180, 300);
    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(limitsWatts()).containsExactly(300, 300);
  }

  @Test
  void aMissingLibraryFailsRunWithExitOneNamingSimulatedAndShadow() throws Exception {
    Path config = config("enforce");
    Files.writeString(config, Files.readString(config).replace(FAKE.toString(), "/nonexistent/libnvidia-ml.so.1"));
    Result run = runToEnd(command("run", "--config", config.toString()));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("/nonexistent/libnvidia-ml.so.1").contains("backend: simulated").contains("mode: shadow");
  }

  @Test
  void gpusListsTheGpusWithTheirProcessesAndUsers() throws Exception {
    long me = ProcessHandle.current().pid();
    String before = "count=2\nprocs.0=" + me + ":1073741824\nlimit_mw.1=250000\n";
    Files.writeString(hardware(), before);
    Path config = config("enforce");

    Result text = runToEnd(command("gpus", "--config", config.toString()));
    assertThat(text.exitCode()).as(text.output()).isZero();
    assertThat(text.output())
        .contains("2 GPU(s), backend nvml, driver 535.999.99-fake")
        .contains("gpu0  GPU-fa4e0000-0000-4000-8000-000000000000  NVIDIA A40 (fake)")
        .contains("limit 250 W (default 300 W, enforced 250 W), range [100 W, 300 W]")
        .contains("pid " + me + "  " + System.getProperty("user.name") + " (uid ")
        .contains("1024 MiB");

    Result json = runToEnd(command("gpus", "--config", config.toString(), "--format", "json"));
    assertThat(json.exitCode()).as(json.output()).isZero();
    String body = json.output().substring(json.output().indexOf('{'));
    JsonNode doc = JsonMapper.builder().build().readTree(body);
    assertThat(doc.get("driver_version").asString()).isEqualTo("535.999.99-fake");
    JsonNode gpu0 = doc.get("gpus").get(0);
    assertThat(gpu0.get("power_w").asDouble()).isEqualTo(250.0);
    assertThat(gpu0.get("processes").get(0).get("pid").asLong()).isEqualTo(me);
    assertThat(gpu0.get("processes").get(0).get("user").asString()).isEqualTo(System.getProperty("user.name"));
    // Reads only: nothing set, the seeded state unchanged.
    assertThat(setCalls()).containsExactly(0, 0);
    assertThat(limitsWatts()).containsExactly(300, 250);
    assertThat(gpuState()).containsEntry("procs.0", me + ":1073741824");
  }
}
