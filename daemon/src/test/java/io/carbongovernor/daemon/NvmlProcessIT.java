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
import java.nio.file.attribute.PosixFilePermissions;
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
    return config(mode, interval, "state");
  }

  /** A daemon's configuration with its own state directory; every daemon shares the host's lock directory. */
  private Path config(String mode, String interval, String stateDir) throws IOException {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor-" + mode + "-" + stateDir + ".yaml");
    Files.writeString(file, String.join("\n",
        "zone: US-CAL-CISO",
        "interval: " + interval,
        "mode: " + mode,
        "state-dir: " + dir.resolve(stateDir),
        "gpu: {backend: nvml, nvml-library: " + FAKE + ", lock-dir: " + dir.resolve("run") + "}",
        "carbon:",
        "  sources:",
        "    - {type: trace, file: " + TRACES.resolve("US-CAL-CISO_2023_hourly.csv") + "}",
        "default-policy: {kind: static, cap: 60%}",
        // Any free port: another daemon or build on this machine may hold the default one.
        // The socket apart from the GPU locks: a root daemon refuses a socket directory another user owns.
        "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("sock/api.sock") + "}",
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
        .contains("  current limit  250 W (set now; the GPU enforces 250 W)\n")
        .contains("  default limit  300 W (the driver's; the daemon restores the limit it found)\n")
        .contains("  allowed limits 100 W to 300 W\n")
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
  /** Invariant 3: after `nvidia-smi -pl 250` and a kill -9, restore leaves the operator's limit. */
  @Test
  void restoreAfterKillMinusNineLeavesALimitAnOperatorChanged() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    setLimitBehindTheDaemonsBack(0, 250);

    Result restore = runToEnd(command("restore", "--config", config.toString()));
    assertThat(restore.exitCode()).as(restore.output()).isZero();
    assertThat(restore.output())
        .contains("left at 250 W, set by someone else (the daemon last set 180 W)")
        .contains("1 GPU(s) at their original power limit, 1 left at the limit an operator set; ledger cleared");
    assertThat(limitsWatts()).containsExactly(250, 300);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();
  }

  @Test
  void aCleanStopAndARestartAfterACrashBothLeaveAnOperatorsLimit() throws Exception {
    Path config = config("enforce");
    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    setLimitBehindTheDaemonsBack(0, 250);
    daemon.toHandle().destroy(); // SIGTERM: a clean stop
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(rest).contains("changed by someone else since the daemon set it");
    assertThat(limitsWatts()).containsExactly(250, 300);

    killAfterItsFirstChanges(config);
    setLimitBehindTheDaemonsBack(1, 240);
    Process restarted = command("run", "--config", config.toString()).start();
    BlockingQueue<String> again = lines(restarted);
    String startup = String.join("\n", awaitLine(again, "controlling"));
    assertThat(startup).contains("previous run did not exit cleanly").contains("left as they set it");
    restarted.toHandle().destroy();
    drain(again, restarted);
    // The restart took 240 W as gpu1's full speed: the operator's word stands after it too.
    assertThat(limitsWatts()).containsExactly(250, 240);
  }

  /** Starts a daemon, waits until it has throttled both GPUs, and kills it with -9. */
  private void killAfterItsFirstChanges(Path config) throws Exception {
    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    daemon.destroyForcibly();
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
  }

  /** Invariant 9: a second daemon with another state directory is refused the GPUs the first controls. */
  @Test
  void oneDaemonPerGpuWhateverItsStateDirectory() throws Exception {
    Path first = config("enforce", "1h", "state-a");
    Path second = config("enforce", "1h", "state-b");
    Process a = command("run", "--config", first.toString()).start();
    BlockingQueue<String> aOut = lines(a);
    awaitLine(aOut, "limit changed gpu=\"gpu1\"");

    Result refused = runToEnd(command("run", "--config", second.toString()));
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("GPU GPU-fa4e0000-0000-4000-8000-000000000000 is controlled by")
        .contains("pid " + a.pid());
    assertThat(limitsWatts()).containsExactly(180, 180);

    a.destroyForcibly(); // kill -9: the OS lets go of its locks, its ledger keeps the originals
    assertThat(a.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Result stillRefused = runToEnd(command("run", "--config", second.toString()));
    assertThat(stillRefused.exitCode()).as(stillRefused.output()).isEqualTo(1);
    assertThat(stillRefused.output()).contains("its ledger still holds this GPU's original limit")
        .contains(dir.resolve("state-a").toString());
    assertThat(limitsWatts()).as("the second daemon never took 180 W for the original").containsExactly(180, 180);

    Result restored = runToEnd(command("restore", "--config", first.toString()));
    assertThat(restored.exitCode()).as(restored.output()).isZero();
    Process b = command("run", "--config", second.toString()).start();
    BlockingQueue<String> bOut = lines(b);
    awaitLine(bOut, "limit changed gpu=\"gpu1\"");
    b.toHandle().destroy();
    String rest = drain(bOut, b);
    assertThat(b.exitValue()).as(rest).isZero();
    assertThat(limitsWatts()).containsExactly(300, 300);
  }

  /**
   * A SIGTERM in the first second of a start, before logging and the configuration are even
   * loaded, still restores what the last run left in the ledger and exits 0. The JVM says when
   * the entry point has gone past installing the handlers (the command line's class loads).
   */
  @Test
  void aStopInTheFirstSecondOfAStartRestoresAndExitsZero() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    ProcessBuilder pb = command("run", "--config", config.toString());
    pb.command().add(1, "-Xlog:class+load=info:stdout");
    Process daemon = pb.start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "io.carbongovernor.daemon.cli.CarbonGovernorCommand ");
    daemon.toHandle().destroy(); // SIGTERM
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest.lines().filter(l -> !l.contains("[class,load]")).toList().toString()).isZero();
    assertThat(limitsWatts()).containsExactly(300, 300);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();
  }

  /** Ledger damage never ends in exit 0 with a GPU off its original. */
  @Test
  void aDamagedLedgerIsRefusedWithItsLineAndNothingIsTouched() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    Path ledger = dir.resolve("state").resolve("ledger.jsonl");
    List<String> lines = Files.readAllLines(ledger);
    // Only the set lines left: the originals are gone.
    Files.write(ledger, lines.stream().filter(l -> l.contains("\"type\":\"set\"")).toList());
    List<Integer> sets = setCalls();

    Result restore = runToEnd(command("restore", "--config", config.toString()));
    assertThat(restore.exitCode()).as(restore.output()).isEqualTo(1);
    assertThat(restore.output()).contains(ledger + ":1: limits were set on GPU-fa4e0000")
        .contains("its original limit is not in the ledger").contains("-pl WATTS");
    Result run = runToEnd(command("run", "--config", config.toString()));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains(ledger + ":1: limits were set on");
    assertThat(setCalls()).isEqualTo(sets);

    // A torn original line at the end, and a limit of 0.
    Files.writeString(ledger, lines.get(0) + "\n" + lines.get(2).substring(0, 40));
    Result torn = runToEnd(command("restore", "--config", config.toString()));
    assertThat(torn.exitCode()).as(torn.output()).isEqualTo(1);
    assertThat(torn.output()).contains(ledger + ":2: a torn original limit");
    Files.writeString(ledger, lines.get(0).replace("\"limit_mw\":300000", "\"limit_mw\":0") + "\n");
    Result zero = runToEnd(command("restore", "--config", config.toString()));
    assertThat(zero.exitCode()).as(zero.output()).isEqualTo(1);
    assertThat(zero.output()).contains(ledger + ":1: malformed ledger entry (limit_mw must be a whole number of milliwatts above 0");
    assertThat(limitsWatts()).containsExactly(180, 180);
    assertThat(setCalls()).isEqualTo(sets);
  }
  /**
   * A restore run by hand as root keeps the daemon's files its user's (0600, owned like the state
   * directory), so the service user's next start works; and when a file does end up someone
   * else's, the error names it and the fix.
   */
  @Test
  void aRestoreRunAsRootKeepsTheServiceUsersFilesAndAPermissionProblemSaysTheFix() throws Exception {
    assertThat(System.getProperty("user.name"))
        .as("this test switches to uid 65534 (nobody) with setpriv, which needs root; run the build as root, as CI does")
        .isEqualTo("root");
    Path state = Files.createDirectories(dir.resolve("state"));
    Files.setOwner(state, nobody());
    Path config = config("enforce");
    killWhileThrottled(config);
    Path ledger = state.resolve("ledger.jsonl");
    assertThat(Files.getOwner(ledger)).isEqualTo(nobody());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ledger))).isEqualTo("rw-------");

    Result asRoot = runToEnd(command("restore", "--config", config.toString()));
    assertThat(asRoot.exitCode()).as(asRoot.output()).isZero();
    for (String name : List.of("ledger.jsonl", "ledger.lock")) {
      assertThat(Files.getOwner(state.resolve(name))).as(name).isEqualTo(nobody());
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(name)))).as(name).isEqualTo("rw-------");
    }

    // The service user (here nobody) can still use its state directory.
    for (Path p : List.of(dir, hardware(), hardware().resolveSibling("gpus.state.lock"), config, dir.resolve("teams.d"))) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-rw-rw-"));
    }
    Result asService = runToEnd(asNobody(command("restore", "--config", config.toString())));
    assertThat(asService.exitCode()).as(asService.output()).isZero();
    assertThat(asService.output()).contains("nothing to restore");

    Files.setOwner(ledger, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root"));
    Result denied = runToEnd(asNobody(command("restore", "--config", config.toString())));
    assertThat(denied.exitCode()).as(denied.output()).isEqualTo(1);
    assertThat(denied.output()).contains("cannot open the ledger " + ledger + ": permission denied")
        .contains("owned by root:").contains("this process runs as nobody").contains("chown -R nobody: " + state);
  }

  private java.nio.file.attribute.UserPrincipal nobody() throws IOException {
    return dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
  }

  /** The same command, run as uid and gid 65534 with no supplementary groups. */
  private static ProcessBuilder asNobody(ProcessBuilder pb) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
    cmd.addAll(pb.command());
    return pb.command(cmd);
  }
}
