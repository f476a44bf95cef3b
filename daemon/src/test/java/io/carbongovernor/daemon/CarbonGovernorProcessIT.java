package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.drain;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
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

  private ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true);
  }

  /** A config in the temp dir: the demo's trace, a cap that always changes the limits. */
  private Path config() throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1h");
  }

  /** Collects the child's output lines as they come, so a test can wait for one. */



  @Test
  void checkConfigAcceptsTheDemoAndRejectsABrokenCopyWithLineAndColumn() throws Exception {
    Process ok = start(command("check-config", "--config", CONFIG_DIR.resolve("demo.yaml").toString()));
    String okOut = drain(lines(ok), ok);
    assertThat(ok.exitValue()).as(okOut).isZero();
    assertThat(okOut).contains("ok");

    Path broken = dir.resolve("demo.yaml");
    Files.writeString(
        broken,
        Files.readString(CONFIG_DIR.resolve("demo.yaml"))
            .replace("interval: 10s", "interval: ten seconds")
            .replace("../traces/", TRACES + "/")
            .replace("teams-dir: teams.d", "teams-dir: " + CONFIG_DIR.resolve("teams.d"))
            .replace("mode: enforce", "mode: enforce\nmodes: shadow"));
    Process bad = start(command("check-config", "--config", broken.toString()));
    String badOut = drain(lines(bad), bad);
    assertThat(bad.exitValue()).as(badOut).isEqualTo(78);
    assertThat(badOut).containsPattern(broken + ":5:11: .*duration");
    assertThat(badOut).containsPattern(broken + ":8:1: .*modes");

    Process run = start(command("run", "--config", broken.toString()));
    String runOut = drain(lines(run), run);
    assertThat(run.exitValue()).as(runOut).isEqualTo(78);
  }

  @Test
  void simulateReplaysTheBundledTraceAgainstTheBundledProfile() throws Exception {
    Path profile =
        Path.of("..", "gpu-control", "src", "main", "resources", "io", "carbongovernor", "gpu", "profiles",
            "summary_power_a40.csv").toAbsolutePath().normalize();
    Process sim =
        start(command("simulate", "--trace", TRACES.resolve("US-CAL-CISO_2023_hourly.csv").toString(), "--profile",
            profile.toString(), "--workload", "imagenet/resnet50", "--batch-size", "256", "--span", "3d",
            "--policies", "full-speed,chase,forecast:5%", "--format", "json"));
    String out = drain(lines(sim), sim);
    assertThat(sim.exitValue()).as(out).isZero();
    assertThat(out).contains("\"policy\" : \"chase\"").contains("\"knob\" : \"eta=0.5\"")
        .contains("\"knob\" : \"budget=5%\"").contains("\"oracle_fraction\"");

    Process bad =
        start(command("simulate", "--trace", TRACES.resolve("US-CAL-CISO_2023_hourly.csv").toString(), "--profile",
            profile.toString(), "--workload", "imagenet/resnet51", "--batch-size", "256"));
    String badOut = drain(lines(bad), bad);
    assertThat(bad.exitValue()).as(badOut).isEqualTo(2);
    assertThat(badOut).contains("simulate: unknown workload 'imagenet/resnet51'");
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
    List<String> java = new ArrayList<>(command("run", "--config", config().toString()).command());
    List<String> cmd = new ArrayList<>(List.of("bash", "-c", "trap '' HUP; exec \"$@\"", "bash"));
    cmd.addAll(java);
    Process daemon = start(new ProcessBuilder(cmd).redirectErrorStream(true));
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

    Process restore = start(command("restore", "--config", config.toString()));
    String restoreOut = drain(lines(restore), restore);
    assertThat(restore.exitValue()).as(restoreOut).isEqualTo(1);
    assertThat(restoreOut).contains("cannot restore: the ledger is in use by pid " + first.pid() + " since ")
        .contains("a running daemon restores its GPUs when it stops");

    Process second = start(command("run", "--config", config.toString()));
    String secondOut = drain(lines(second), second);
    assertThat(second.exitValue()).as(secondOut).isEqualTo(1);
    assertThat(secondOut).contains("cannot start").contains("in use by pid " + first.pid())
        .doesNotContain("restoring its GPUs first");
    assertThat(Files.readString(dir.resolve("state").resolve("ledger.jsonl"))).as("the ledger untouched").isEqualTo(ledger);

    // kill -9 takes the lock with it: restore works at once.
    first.destroyForcibly();
    assertThat(first.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    Process after = start(command("restore", "--config", config.toString()));
    String afterOut = drain(lines(after), after);
    assertThat(after.exitValue()).as(afterOut).isZero();
    assertThat(afterOut).contains("GPU(s) at their original power limit; ledger cleared");
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
