package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * NvmlProcessIT's twin for AMD: the packaged jar with {@code backend: amdsmi} on the fake
 * libamd_smi.so, in child processes. The fake keeps its GPUs (MI300X-like: caps from 200 W to
 * 750 W) in a state file ({@code FAKE_AMDSMI_STATE}), so that, as with real GPUs, their caps
 * outlive a killed daemon and every process sees the same "hardware".
 */
class AmdSmiProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path FAKE = Path.of(System.getProperty("fake-amdsmi.library")).toAbsolutePath().normalize();
  private static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");
  private static final String UUID0 = "fa4e0000-0000-1000-80ff-000000000000";
  private static final int NO_PERM = 10; // AMDSMI_STATUS_NO_PERM

  @TempDir Path dir;

  private Path hardware() {
    return dir.resolve("gpus.state");
  }

  private ProcessBuilder command(Map<String, String> env, String... args) {
    assertThat(FAKE).as("fake AMD SMI built by gpu-control's test build").isRegularFile();
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    busyGpus();
    pb.environment().put("FAKE_AMDSMI_STATE", hardware().toString());
    pb.environment().put("FAKE_AMDSMI_DEVICE_COUNT", "2");
    pb.environment().putAll(env);
    return pb;
  }

  private ProcessBuilder command(String... args) {
    return command(Map.of(), args);
  }

  /** A GPU without work keeps its original cap: this test's JVM runs on both (in no team). */
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

  private Path config(String mode) throws IOException {
    return config(mode, "1h");
  }

  private Path config(String mode, String interval) throws IOException {
    return config(mode, interval, "state");
  }

  private Path config(String mode, String interval, String stateDir) throws IOException {
    Path teams = Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor-" + mode + "-" + stateDir + ".yaml");
    Files.writeString(file, String.join("\n",
        "zone: US-CAL-CISO",
        "interval: " + interval,
        "mode: " + mode,
        "state-dir: " + dir.resolve(stateDir),
        "gpu: {backend: amdsmi, amdsmi-library: " + FAKE + ", lock-dir: " + dir.resolve("run") + "}",
        "carbon:",
        "  sources:",
        "    - {type: trace, file: " + TRACES.resolve("US-CAL-CISO_2023_hourly.csv") + "}",
        "default-policy: {kind: static, cap: 60%}",
        "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("sock/api.sock") + "}",
        "teams-dir: " + teams,
        ""));
    return file;
  }

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

  /** Another process changes GPU {@code index}'s cap, as {@code amd-smi set --power-cap} would. */
  private void setCapBehindTheDaemonsBack(int index, int watts) throws IOException {
    Path lock = hardware().resolveSibling(hardware().getFileName() + ".lock");
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = ch.lock()) { // the fake takes the same fcntl lock
      String key = "cap_uw." + index + "=";
      List<String> lines = new ArrayList<>();
      for (String line : Files.readAllLines(hardware())) {
        lines.add(line.startsWith(key) ? key + watts * 1_000_000L : line);
      }
      Path tmp = hardware().resolveSibling("gpus.state.operator");
      Files.write(tmp, lines);
      Files.move(tmp, hardware(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private List<Long> capsWatts() throws IOException {
    Map<String, String> s = gpuState();
    return List.of(Long.parseLong(s.get("cap_uw.0")) / 1_000_000, Long.parseLong(s.get("cap_uw.1")) / 1_000_000);
  }

  private List<Integer> setCalls() throws IOException {
    Map<String, String> s = gpuState();
    return List.of(Integer.parseInt(s.get("set_calls.0")), Integer.parseInt(s.get("set_calls.1")));
  }

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
    assertThat(capsWatts()).containsExactly(450L, 450L); // 60 % of 750 W
    daemon.destroyForcibly(); // SIGKILL: no chance to restore
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(capsWatts()).containsExactly(450L, 450L);
  }

  @Test
  void afterKillMinusNineRestoreBringsEveryGpuBackAndClearsTheLedger() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).contains("\"limit_mw\":750000");

    Result restore = runToEnd(command(Map.of("FAKE_AMDSMI_DEVICE_COUNT", ""), "restore", "--config", config.toString()));
    assertThat(restore.exitCode()).as(restore.output()).isZero();
    assertThat(restore.output()).contains("2 GPU(s) at their original power limit; ledger cleared");
    assertThat(capsWatts()).containsExactly(750L, 750L);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();
  }

  @Test
  void aRestoreThatCannotSetOneGpuExitsOneAndKeepsItForTheNextAttempt() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);

    Result refused = runToEnd(command(Map.of("FAKE_AMDSMI_FAIL", "amdsmi_set_power_cap@1=" + NO_PERM),
        "restore", "--config", config.toString()));
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("NOT restored").contains("AMDSMI_STATUS_NO_PERM")
        .contains("needs root or the CAP_SYS_ADMIN capability");
    assertThat(capsWatts()).containsExactly(750L, 450L);

    Result retried = runToEnd(command("restore", "--config", config.toString()));
    assertThat(retried.exitCode()).as(retried.output()).isZero();
    assertThat(capsWatts()).containsExactly(750L, 750L);
  }

  @Test
  void afterKillMinusNineTheNextStartRestoresFirstAndAStopRestoresAgain() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);

    Process second = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(second);
    String startup = String.join("\n", awaitLine(out, "controlling"));
    assertThat(startup)
        .contains("previous run did not exit cleanly")
        .contains("original power limits restored gpus=\"2\" not_restored=\"0\"");
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    assertThat(capsWatts()).containsExactly(450L, 450L);

    second.toHandle().destroy(); // SIGTERM
    String rest = drain(out, second);
    assertThat(second.exitValue()).as(rest).isZero();
    assertThat(capsWatts()).containsExactly(750L, 750L);
  }

  @Test
  void aCapChangedByAnotherProcessIsLeftAloneAndKeptAtStop() throws Exception {
    Process daemon = command("run", "--config", config("enforce", "1s").toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    int setsOfGpu0 = setCalls().get(0);

    setCapBehindTheDaemonsBack(0, 600);
    String seen = String.join("\n", awaitLine(out, "changed by someone else"));
    assertThat(seen).contains("gpu=\"gpu0\"").contains("limit=\"600 W\"");
    assertThat(setCalls().get(0)).isEqualTo(setsOfGpu0);

    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(capsWatts()).containsExactly(600L, 750L);
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
    assertThat(capsWatts()).containsExactly(750L, 750L);
  }

  @Test
  void noPermissionOnOneGpuPutsItInShadowModeAndTheOtherIsStillControlled() throws Exception {
    Process daemon = command(Map.of("FAKE_AMDSMI_FAIL", "amdsmi_set_power_cap@1=" + NO_PERM),
        "run", "--config", config("enforce").toString()).start();
    BlockingQueue<String> out = lines(daemon);
    String seen = String.join("\n", awaitLine(out, "continues in shadow mode"));
    assertThat(seen).contains("needs root or the CAP_SYS_ADMIN capability").contains("gpu=\"gpu1\"");
    assertThat(capsWatts()).containsExactly(450L, 750L);
    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(capsWatts()).containsExactly(750L, 750L);
  }

  @Test
  void gpusListsTheGpusWithTheirPowerRangesAndProcesses() throws Exception {
    long me = ProcessHandle.current().pid();
    Files.writeString(hardware(), "count=2\nprocs.0=" + me + ":1073741824\ncap_uw.1=500000000\n");
    Path config = config("enforce");

    Result text = runToEnd(command("gpus", "--config", config.toString()));
    assertThat(text.exitCode()).as(text.output()).isZero();
    assertThat(text.output())
        .contains("2 GPU(s), backend amdsmi, driver 6.8.5-fake")
        .contains("gpu0  " + UUID0 + "  AMD Instinct MI300X (fake)")
        .contains("  current limit  500 W (set now; the GPU enforces 500 W)\n")
        .contains("  default limit  750 W (the driver's; the daemon restores the limit it found)\n")
        .contains("  allowed limits 200 W to 750 W\n")
        .contains("pid " + me + "  " + System.getProperty("user.name") + " (uid ")
        .contains("1024 MiB");

    Result json = runToEnd(command("gpus", "--config", config.toString(), "--format", "json"));
    assertThat(json.exitCode()).as(json.output()).isZero();
    JsonNode doc = JsonMapper.builder().build().readTree(json.output().substring(json.output().indexOf('{')));
    assertThat(doc.get("backend").asString()).isEqualTo("amdsmi");
    JsonNode gpu1 = doc.get("gpus").get(1);
    assertThat(gpu1.get("min_limit_w").asDouble()).isEqualTo(200.0);
    assertThat(gpu1.get("max_limit_w").asDouble()).isEqualTo(750.0);
    assertThat(gpu1.get("current_limit_w").asDouble()).isEqualTo(500.0);
    assertThat(setCalls()).containsExactly(0, 0);
  }

  @Test
  void aGpuInComputePartitionsIsListedAsNotControlledAndLeftAlone() throws Exception {
    long me = ProcessHandle.current().pid();
    Files.writeString(hardware(), "count=2\npartition.1=CPX\nprocs.0=" + me + ":1048576\n");
    Path config = config("enforce");
    Result gpus = runToEnd(command("gpus", "--config", config.toString()));
    assertThat(gpus.exitCode()).as(gpus.output()).isEqualTo(1);
    assertThat(gpus.output()).contains("1 GPU(s), backend amdsmi")
        .contains("not controlled: gpu1 is in compute partition mode CPX")
        .contains("amd-smi set --gpu 1 --compute-partition SPX");

    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu0\"");
    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(setCalls().get(1)).isZero();
  }

  @Test
  void metricsCarryDcgmAndAmdExporterLabelsAndStatusReadsTheDaemon() throws Exception {
    Path config = config("enforce");
    Process daemon = command("run", "--config", config.toString()).start();
    BlockingQueue<String> out = lines(daemon);
    Matcher m = LISTEN.matcher(String.join("\n", awaitLine(out, "local API listening")));
    assertThat(m.find()).isTrue();
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    String series = "carbon_governor_gpu_power_limit_watts{UUID=\"" + UUID0 + "\",gpu=\"0\",gpu_id=\"0\",gpu_uuid=\""
        + UUID0 + "\"} 450.0";
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/metrics")).build();
    String body = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!body.contains(series) && System.nanoTime() < deadline) {
      body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
      if (!body.contains(series)) {
        Thread.sleep(200); // the sampler runs on its own schedule in the child
      }
    }
    assertThat(body).contains(series);

    // A read, asked again while a starved daemon misses its 5 s to answer.
    Result status = runToEnd(command("status", "--config", config.toString()));
    while (status.exitCode() != 0 && status.output().contains("no daemon answers") && System.nanoTime() < deadline) {
      status = runToEnd(command("status", "--config", config.toString()));
    }
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).containsPattern("(?m)^0\\s+" + UUID0 + "\\s+450\\s+750 applied");

    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
  }

  @Test
  void aMissingLibraryFailsRunWithExitOneNamingSimulatedAndShadow() throws Exception {
    Path config = config("enforce");
    Files.writeString(config, Files.readString(config).replace(FAKE.toString(), "/nonexistent/libamd_smi.so"));
    Result run = runToEnd(command("run", "--config", config.toString()));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains("/nonexistent/libamd_smi.so").contains("AMD SMI")
        .contains("backend: simulated").contains("mode: shadow");
  }

  @Test
  void withoutAFreshSignalTheFailSafeKeepsEveryGpuAtItsOriginalCap() throws Exception {
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
    assertThat(capsWatts()).containsExactly(750L, 750L);
    assertThat(setCalls()).containsExactly(0, 0);
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
    assertThat(refused.output()).contains("GPU " + UUID0 + " is controlled by").contains("pid " + a.pid());
    assertThat(capsWatts()).containsExactly(450L, 450L);

    a.destroyForcibly(); // kill -9: the OS lets go of its locks, its ledger keeps the originals
    assertThat(a.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Result stillRefused = runToEnd(command("run", "--config", second.toString()));
    assertThat(stillRefused.exitCode()).as(stillRefused.output()).isEqualTo(1);
    assertThat(stillRefused.output()).contains("its ledger still holds this GPU's original limit")
        .contains(dir.resolve("state-a").toString());
    assertThat(capsWatts()).as("the second daemon never took 450 W for the original").containsExactly(450L, 450L);

    Result restored = runToEnd(command("restore", "--config", first.toString()));
    assertThat(restored.exitCode()).as(restored.output()).isZero();
    Process b = command("run", "--config", second.toString()).start();
    BlockingQueue<String> bOut = lines(b);
    awaitLine(bOut, "limit changed gpu=\"gpu1\"");
    b.toHandle().destroy();
    String rest = drain(bOut, b);
    assertThat(b.exitValue()).as(rest).isZero();
    assertThat(capsWatts()).containsExactly(750L, 750L);
  }

  /** A SIGTERM in the first second of a start still restores what the last run left, and exits 0. */
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
    assertThat(capsWatts()).containsExactly(750L, 750L);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();
  }

  /** Ledger damage never ends in exit 0 with a GPU off its original cap. */
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
    assertThat(restore.output()).contains(ledger + ":1: limits were set on " + UUID0.substring(0, 8))
        .contains("its original limit is not in the ledger");
    Result run = runToEnd(command("run", "--config", config.toString()));
    assertThat(run.exitCode()).as(run.output()).isEqualTo(1);
    assertThat(run.output()).contains(ledger + ":1: limits were set on");
    assertThat(setCalls()).isEqualTo(sets);
    assertThat(capsWatts()).containsExactly(450L, 450L);
  }

  /** Invariant 3: after `amd-smi set --power-cap 600` and a kill -9, restore leaves the operator's cap. */
  @Test
  void restoreAfterKillMinusNineLeavesACapAnOperatorChanged() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    setCapBehindTheDaemonsBack(0, 600);

    Result restore = runToEnd(command("restore", "--config", config.toString()));
    assertThat(restore.exitCode()).as(restore.output()).isZero();
    assertThat(restore.output())
        .contains("left at 600 W, set by someone else (the daemon last set 450 W)")
        .contains("1 GPU(s) at their original power limit, 1 left at the limit an operator set; ledger cleared");
    assertThat(capsWatts()).containsExactly(600L, 750L);
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).isEmpty();
  }

  @Test
  void aRestartAfterACrashLeavesAnOperatorsCap() throws Exception {
    Path config = config("enforce");
    killWhileThrottled(config);
    setCapBehindTheDaemonsBack(1, 500);
    Process restarted = command("run", "--config", config.toString()).start();
    BlockingQueue<String> again = lines(restarted);
    String startup = String.join("\n", awaitLine(again, "controlling"));
    assertThat(startup).contains("previous run did not exit cleanly").contains("left as they set it");
    restarted.toHandle().destroy();
    String rest = drain(again, restarted);
    assertThat(restarted.exitValue()).as(rest).isZero();
    // The restart took 500 W as gpu1's full speed: the operator's word stands after it too.
    assertThat(capsWatts()).containsExactly(750L, 500L);
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
