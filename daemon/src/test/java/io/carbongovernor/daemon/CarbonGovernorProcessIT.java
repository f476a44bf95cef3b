package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static io.carbongovernor.daemon.testing.ChildProcesses.withDefaultSignals;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged artifact as a user runs it: {@code java -jar carbon-governor.jar} in a child
 * process, stopped with real signals.
 */
class CarbonGovernorProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path CONFIG_DIR = Path.of("..", "config").toAbsolutePath().normalize();
  private static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static List<String> java(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The jar run with the signals at their defaults, whatever this JVM inherited. */
  private ProcessBuilder command(String... args) {
    return withDefaultSignals(java(args)).redirectErrorStream(true);
  }

  /** A command run to its end: its exit status and everything it printed. */
  private record Finished(int exit, String output) {}

  private Finished runToEnd(String... args) throws IOException, InterruptedException {
    Process p = start(command(args));
    String output = drain(lines(p), p);
    return new Finished(p.exitValue(), output);
  }

  /** A config in the temp dir: the demo's trace, a cap that always changes the limits. */
  private Path config() throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1h");
  }

  @Test
  void checkConfigAcceptsTheDemoAndRejectsABrokenCopyWithLineAndColumn() throws Exception {
    Finished ok = runToEnd("check-config", "--config", CONFIG_DIR.resolve("demo.yaml").toString());
    assertThat(ok.exit()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("ok");

    Path broken = dir.resolve("demo.yaml");
    Files.writeString(
        broken,
        Files.readString(CONFIG_DIR.resolve("demo.yaml"))
            .replace("interval: 10s", "interval: ten seconds")
            .replace("../traces/", TRACES + "/")
            .replace("teams-dir: teams.d", "teams-dir: " + CONFIG_DIR.resolve("teams.d"))
            .replace("mode: enforce", "mode: enforce\nmodes: shadow"));
    Finished bad = runToEnd("check-config", "--config", broken.toString());
    assertThat(bad.exit()).as(bad.output()).isEqualTo(78);
    assertThat(bad.output()).containsPattern(broken + ":5:11: .*duration");
    assertThat(bad.output()).containsPattern(broken + ":8:1: .*modes");

    Finished run = runToEnd("run", "--config", broken.toString());
    assertThat(run.exit()).as(run.output()).isEqualTo(78);
  }

  @Test
  void simulateReplaysTheBundledTraceAgainstTheBundledProfile() throws Exception {
    Path profile =
        Path.of("..", "gpu-control", "src", "main", "resources", "io", "carbongovernor", "gpu", "profiles",
            "summary_power_a40.csv").toAbsolutePath().normalize();
    Finished sim = runToEnd("simulate", "--trace", TRACES.resolve("US-CAL-CISO_2023_hourly.csv").toString(),
        "--profile", profile.toString(), "--workload", "imagenet/resnet50", "--batch-size", "256", "--span", "3d",
        "--policies", "full-speed,chase,forecast:5%", "--format", "json");
    assertThat(sim.exit()).as(sim.output()).isZero();
    assertThat(sim.output()).contains("\"policy\" : \"chase\"").contains("\"knob\" : \"eta=0.5\"")
        .contains("\"knob\" : \"budget=5%/team\"").contains("\"oracle_fraction\"");

    Finished bad = runToEnd("simulate", "--trace", TRACES.resolve("US-CAL-CISO_2023_hourly.csv").toString(),
        "--profile", profile.toString(), "--workload", "imagenet/resnet51", "--batch-size", "256");
    assertThat(bad.exit()).as(bad.output()).isEqualTo(2);
    assertThat(bad.output()).contains("simulate: unknown workload 'imagenet/resnet51'");
  }

  @Test
  void sighupReloadsAndSigtermRestoresEveryGpuAndExitsZero() throws Exception {
    Process daemon = start(command("run", "--config", config().toString()));
    BlockingQueue<String> out = lines(daemon);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).contains("300000");

    // SIGHUP with a broken team file: rejected with file:line:col, and the daemon keeps going.
    Files.writeString(dir.resolve("teams.d").resolve("ml.yaml"), "members: {users: [carol]}\npolicy: {kind: nope}\n");
    assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor()).isZero();
    assertThat(String.join("\n", awaitLine(out, "configuration not reloaded")))
        .containsPattern("ml.yaml:2:16: .*nope");
    Files.delete(dir.resolve("teams.d").resolve("ml.yaml"));
    assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start().waitFor()).isZero();
    awaitLine(out, "configuration reloaded");

    daemon.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stdout
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
    assertThat(rest).contains("signal=\"SIGTERM\"").contains("original power limits restored gpus=\"2\" not_restored=\"0\"");
  }

  @Test
  void startedWithSighupIgnoredItSaysReloadsNeedARestart() throws Exception {
    // As under nohup: SIGHUP ignored across exec, which the JVM then leaves ignored.
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "trap '' HUP; exec \"$@\"", "bash"));
    cmd.addAll(java("run", "--config", config().toString()));
    Process daemon = start(withDefaultSignals(cmd).redirectErrorStream(true));
    BlockingQueue<String> out = lines(daemon);
    List<String> seen = awaitLine(out, "controlling");
    assertThat(String.join("\n", seen))
        .containsPattern("signal ignored by whoever started the daemon.*configuration changes need a restart.*SIGHUP")
        .doesNotContain("signal=\"SIGTERM\"");
    daemon.toHandle().destroy();
    String rest = drain(out, daemon);
    assertThat(daemon.exitValue()).as(rest).isZero();
  }

  @Test
  void whileADaemonRunsASecondOneAndARestoreAreRefusedAndTouchNothing() throws Exception {
    Path config = config();
    Process first = start(command("run", "--config", config.toString()));
    BlockingQueue<String> out = lines(first);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    String ledger = Files.readString(dir.resolve("state").resolve("ledger.jsonl"));

    Finished restore = runToEnd("restore", "--config", config.toString());
    assertThat(restore.exit()).as(restore.output()).isEqualTo(1);
    assertThat(restore.output()).contains("cannot restore: the ledger is in use by pid " + first.pid() + " since ")
        .contains("a running daemon restores its GPUs when it stops");

    Finished second = runToEnd("run", "--config", config.toString());
    assertThat(second.exit()).as(second.output()).isEqualTo(1);
    assertThat(second.output()).contains("cannot start").contains("in use by pid " + first.pid())
        .doesNotContain("restoring its GPUs first");
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).as("the ledger untouched").isEqualTo(ledger);

    // kill -9 takes the lock with it: restore works at once.
    first.destroyForcibly();
    assertThat(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Finished after = runToEnd("restore", "--config", config.toString());
    assertThat(after.exit()).as(after.output()).isZero();
    assertThat(after.output()).contains("GPU(s) at their original power limit; ledger cleared");
  }

  @Test
  void afterKillMinusNineTheNextStartRestoresFirst() throws Exception {
    Path config = config();
    Process first = start(command("run", "--config", config.toString()));
    BlockingQueue<String> out = lines(first);
    awaitLine(out, "limit changed gpu=\"gpu1\"");
    first.destroyForcibly(); // SIGKILL: no chance to restore
    assertThat(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(first.exitValue()).isEqualTo(137);

    Process second = start(command("run", "--config", config.toString()));
    BlockingQueue<String> out2 = lines(second);
    List<String> seen = awaitLine(out2, "controlling");
    assertThat(String.join("\n", seen))
        .contains("previous run did not exit cleanly")
        .contains("original power limits restored gpus=\"2\"")
        .doesNotContain("signal ignored");
    second.toHandle().destroy();
    assertThat(second.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isZero();
  }
}
