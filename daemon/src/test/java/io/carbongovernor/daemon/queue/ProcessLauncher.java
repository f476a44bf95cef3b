package io.carbongovernor.daemon.queue;

import io.carbongovernor.daemon.queue.launch.JobLauncher;
import io.carbongovernor.daemon.queue.launch.LaunchException;
import io.carbongovernor.daemon.queue.launch.LaunchSpec;
import io.carbongovernor.daemon.queue.launch.Launched;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts jobs as real processes of the current user (the tests' submitters are this user), with
 * the launchers' marker protocol: the child creates {@code markers/<job id>} with O_EXCL (the
 * shell's noclobber) before it execs the command, and exits 125 without running it when the
 * marker exists.
 */
final class ProcessLauncher implements JobLauncher {

  static final int MARKER_TAKEN = 125;

  private final Path markers;
  /** Launch calls per job id, whether or not they ran the command. */
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final List<Process> started = new ArrayList<>();
  /** Each started job's exit status, as given to the queue. */
  final Map<String, java.util.concurrent.CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  /** Each started job's pid. */
  final Map<String, Long> pids = new ConcurrentHashMap<>();

  ProcessLauncher(Path markers) throws IOException {
    this.markers = Files.createDirectories(markers);
  }

  @Override
  public synchronized Launched launch(LaunchSpec spec) throws LaunchException {
    calls.computeIfAbsent(spec.jobId(), k -> new AtomicInteger()).incrementAndGet();
    if (wasLaunched(spec.jobId())) {
      throw new LaunchException("job " + spec.jobId() + " was started before");
    }
    // The child says on standard error whether it took the marker, then runs the command with
    // its standard error joined to its output, so the launch returns only once the marker decided.
    List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c",
        "set -C; : > \"$0\" || { echo taken >&2; exit " + MARKER_TAKEN + "; }; echo started >&2; exec \"$@\" 2>&1",
        marker(spec.jobId()).toString()));
    cmd.addAll(spec.command());
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.workdir().toFile());
    pb.environment().clear();
    pb.environment().putAll(spec.environment());
    File log = spec.log().orElse(spec.workdir().resolve("carbon-governor-" + spec.jobId() + ".log")).toFile();
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Process p;
    String said;
    try {
      p = pb.start();
      try (java.io.BufferedReader err = new java.io.BufferedReader(
          new java.io.InputStreamReader(p.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))) {
        said = err.readLine();
      }
    } catch (IOException e) {
      throw new LaunchException("cannot run " + spec.command().get(0) + ": " + e.getMessage(), e);
    }
    if (!"started".equals(said)) {
      throw new LaunchException("job " + spec.jobId() + " was not started: " + ("taken".equals(said)
          ? "its marker exists" : "the launcher's shell ended first"));
    }
    started.add(p);
    java.util.concurrent.CompletableFuture<Integer> exit = p.onExit().thenApply(Process::exitValue);
    exits.put(spec.jobId(), exit);
    pids.put(spec.jobId(), p.pid());
    return new Launched(OptionalLong.of(p.pid()), Optional.empty(), Optional.of(exit));
  }

  @Override
  public boolean wasLaunched(String jobId) {
    return Files.exists(marker(jobId));
  }

  @Override
  public String kind() {
    return "test-process";
  }

  /** Waits (boundedly) for a started job to end; its exit status. */
  int awaitExit(String jobId) throws Exception {
    return exits.get(jobId).get(io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS,
        java.util.concurrent.TimeUnit.SECONDS);
  }

  int calls(String jobId) {
    AtomicInteger n = calls.get(jobId);
    return n == null ? 0 : n.get();
  }

  /** Ends what the tests started and left running. */
  synchronized void stopAll() {
    for (Process p : started) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  private Path marker(String jobId) {
    return markers.resolve(jobId);
  }
}
