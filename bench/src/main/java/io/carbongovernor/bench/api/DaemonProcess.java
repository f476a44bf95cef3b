package io.carbongovernor.bench.api;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packaged daemon as a service runs it, started through its launcher on simulated GPUs with
 * the bundled trace; its log is kept to look for warnings and stack traces.
 */
final class DaemonProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");

  private final Process process;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Path socket;
  private volatile int port;

  private DaemonProcess(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  static Path config(Path dir, Path trace, Duration interval) throws IOException {
    Path config = dir.resolve("governor.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "zone: US-CAL-CISO",
            "interval: " + interval.toSeconds() + "s",
            "sample-every: 1s",
            "state-dir: " + dir.resolve("state"),
            "gpu: {backend: simulated, simulated: {count: 8}}",
            "carbon:",
            "  sources:",
            "    - {type: trace, file: " + trace.toAbsolutePath() + ", timing: year-aligned}",
            "default-policy: {kind: bands, bands: [{below: 150, cap: 100%}, {below: 220, cap: 85%}, {below: 280, cap: 70%}, {cap: 60%}]}",
            "teams-dir: " + Files.createDirectories(dir.resolve("teams.d")),
            "api: {listen: 127.0.0.1:0, socket: " + dir.resolve("run/api.sock") + "}",
            ""));
    return config;
  }

  static DaemonProcess start(Path launcher, Path config, Path socket) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(launcher.toString(), "run", "--config", config.toString()).redirectErrorStream(true).start();
    DaemonProcess daemon = new DaemonProcess(p, socket);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  daemon.log.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    daemon.port = Integer.parseInt(m.group(1));
                  }
                }
              } catch (IOException e) {
                daemon.log.add("(log closed: " + e.getMessage() + ")");
              }
            },
            "daemon-log");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (daemon.port == 0 || log(daemon).stream().noneMatch(l -> l.contains("controlling"))) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        throw new IOException("the daemon did not start:\n" + String.join("\n", daemon.log));
      }
      Thread.sleep(20);
    }
    return daemon;
  }

  private static List<String> log(DaemonProcess d) {
    return d.log;
  }

  long pid() {
    return process.pid();
  }

  InetSocketAddress tcp() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  UnixDomainSocketAddress unix() {
    return UnixDomainSocketAddress.of(socket);
  }

  /** Open descriptors, from /proc. */
  long descriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
      return fds.count();
    }
  }

  int threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Integer.parseInt(line.substring(8).trim());
      }
    }
    return -1;
  }

  long residentKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
      }
    }
    return -1;
  }

  /** Log lines since {@code from} that warn, fail, or belong to a stack trace. */
  List<String> troubleSince(int from) {
    return log.subList(from, log.size()).stream()
        .filter(l -> l.contains("WARN") || l.contains("ERROR") || l.contains("Exception") || l.startsWith("\tat "))
        .toList();
  }

  int logSize() {
    return log.size();
  }

  /** SIGTERM, as systemd stops it; the exit status. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  int exitStatus() {
    return process.isAlive() ? -1 : process.exitValue();
  }
}
