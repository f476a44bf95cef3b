package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.NotifySocket.hasLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.testing.ChildProcesses;
import io.carbongovernor.daemon.testing.NotifySocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged daemon under a stand-in for systemd: {@code NOTIFY_SOCKET} and {@code
 * WATCHDOG_USEC} point it at a Unix datagram socket this test reads, as {@code Type=notify} and
 * {@code WatchdogSec=} do.
 */
class SystemdNotifyIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private Process start(NotifySocket systemd, String watchdogUsec, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    cmd.add("-jar");
    cmd.add(JAR.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = ChildProcesses.withDefaultSignals(cmd).redirectErrorStream(true);
    pb.environment().put("NOTIFY_SOCKET", systemd.address());
    if (watchdogUsec != null) {
      pb.environment().put("WATCHDOG_USEC", watchdogUsec);
    }
    Process p = pb.start();
    started.add(p);
    return p;
  }

  /** Keeps reading the child's output so it never blocks on a full pipe; returns it at the end. */
  private static ByteArrayOutputStream drainInBackground(Process process) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (InputStream in = process.getInputStream()) {
                in.transferTo(out);
              } catch (IOException e) {
                // the process is gone; what was read stays
              }
            });
    reader.setDaemon(true);
    reader.start();
    return out;
  }

  private Path config() throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1h");
  }

  private static void signal(Process process, String signal) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
  }

  @Test
  void readyAfterTheFirstTickReloadingAroundSighupWatchdogWhileTickingStoppingAtSigterm() throws Exception {
    long testStartMicros = System.nanoTime() / 1000;
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify"))) {
      Process daemon = start(systemd, "2000000", "run", "--config", config().toString());
      ByteArrayOutputStream output = drainInBackground(daemon);

      String ready = systemd.await(hasLine("READY=1"), WAIT);
      // Only a completed tick has a report to describe, and it has already capped both GPUs.
      assertThat(ready)
          .containsPattern("STATUS=controlling 2 GPUs \\(2 below their original limit\\), grid \\d+ g/kWh from ");
      assertThat(systemd.received().get(0)).isEqualTo("STATUS=starting: waiting for the first control tick");

      // WATCHDOG_USEC=2 s: a ping every second while ticks are on time (interval 1h).
      systemd.await(hasLine("WATCHDOG=1"), WAIT);
      systemd.await(hasLine("WATCHDOG=1"), WAIT);

      // SIGHUP with a broken team file: RELOADING=1, then READY=1 saying nothing changed.
      Path team = dir.resolve("teams.d").resolve("ml.yaml");
      Files.writeString(team, "members: {users: [carol]}\npolicy: {kind: nope}\n");
      signal(daemon, "HUP");
      String reloading = systemd.await(hasLine("RELOADING=1"), WAIT);
      Matcher monotonic = Pattern.compile("(?m)^MONOTONIC_USEC=(\\d+)$").matcher(reloading);
      assertThat(monotonic.find()).as(reloading).isTrue();
      // CLOCK_MONOTONIC, which HotSpot's nanoTime also reads on Linux.
      assertThat(Long.parseLong(monotonic.group(1))).isBetween(testStartMicros, System.nanoTime() / 1000);
      assertThat(systemd.await(hasLine("READY=1"), WAIT))
          .contains("STATUS=configuration NOT reloaded (problems in the journal); the policies in force stay");

      // A good one: applied.
      Files.delete(team);
      signal(daemon, "HUP");
      systemd.await(hasLine("RELOADING=1"), WAIT);
      assertThat(systemd.await(hasLine("READY=1"), WAIT)).contains("STATUS=configuration reloaded; controlling 2 GPUs");

      daemon.toHandle().destroy(); // SIGTERM
      assertThat(systemd.await(hasLine("STOPPING=1"), WAIT)).contains("STATUS=stopping: restoring original power limits");
      assertThat(daemon.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.exitValue()).as(output.toString(StandardCharsets.UTF_8)).isZero();

      // Everything it sent is queued now; READY came before any ping, and no ping after STOPPING.
      while (systemd.receive().isPresent()) {
        // drain
      }
      List<String> all = systemd.received();
      int firstReady = indexOf(all, "READY=1", 0);
      int firstPing = indexOf(all, "WATCHDOG=1", 0);
      int stopping = indexOf(all, "STOPPING=1", 0);
      assertThat(firstPing).as(all.toString()).isGreaterThan(firstReady);
      assertThat(indexOf(all, "WATCHDOG=1", stopping)).as(all.toString()).isEqualTo(-1);
      assertThat(output.toString(StandardCharsets.UTF_8)).contains("systemd watchdog enabled watchdog_s=\"2.0\" ping_every_s=\"1.0\"");
    }
  }

  private static int indexOf(List<String> messages, String line, int from) {
    for (int i = from; i < messages.size(); i++) {
      if (hasLine(line).test(messages.get(i))) {
        return i;
      }
    }
    return -1;
  }

  @Test
  void anInvalidConfigSaysSoInTheStatusAndExits78() throws Exception {
    Path config = config();
    Files.writeString(config, Files.readString(config).replace("interval: 1h", "interval: soon"));
    try (NotifySocket systemd = NotifySocket.bind(dir.resolve("notify"))) {
      Process daemon = start(systemd, null, "run", "--config", config.toString());
      ByteArrayOutputStream output = drainInBackground(daemon);

      assertThat(systemd.await(m -> m.startsWith("STATUS="), WAIT))
          .isEqualTo("STATUS=invalid configuration: 1 problem(s) in " + config);
      assertThat(daemon.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(daemon.exitValue()).as(output.toString(StandardCharsets.UTF_8)).isEqualTo(78);
      assertThat(systemd.received()).noneMatch(m -> m.contains("READY=1"));
    }
  }
}
