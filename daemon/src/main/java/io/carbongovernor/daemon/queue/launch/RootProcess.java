package io.carbongovernor.daemon.queue.launch;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A launcher process the daemon starts as itself: with a fixed PATH and nothing else of the
 * daemon's environment, stdin from /dev/null, in /, its stdout and stderr one pipe the daemon
 * reads (so that a launcher's complaint becomes the LaunchException's message).
 */
final class RootProcess {

  static final String SH = "/bin/sh";
  static final String ENV = "/usr/bin/env";
  static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /** Kept of a launcher's output; the rest is read and dropped. */
  private static final int MAX_OUTPUT = 16 * 1024;

  private RootProcess() {}

  static Process start(String jobId, List<String> argv) throws LaunchException {
    ProcessBuilder builder = new ProcessBuilder(argv)
        .directory(new File("/"))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().put("PATH", PATH);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new LaunchException("job " + jobId + " did not start: " + argv.get(0) + " could not run: " + e.getMessage(), e);
    }
  }

  /**
   * What the process wrote until its end of the pipe closed (its exit, or a redirection away from
   * it); a process that holds it longer than {@code limit} is killed.
   */
  static String output(String jobId, Process process, Duration limit) throws LaunchException {
    CompletableFuture<String> read = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (InputStream in = process.getInputStream()) {
        read.complete(readBounded(in));
      } catch (IOException e) {
        read.completeExceptionally(e);
      }
    }, "launch-" + jobId);
    reader.setDaemon(true);
    reader.start();
    try {
      return read.get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new LaunchException("job " + jobId + ": the launcher said nothing for " + limit + " and was killed;"
          + " its marker, if made, keeps the job from starting twice");
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new LaunchException("job " + jobId + ": the launcher's output could not be read", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new LaunchException("job " + jobId + ": interrupted while starting", e);
    }
  }

  /** The exit status of a launcher process that is expected to end now. */
  static int exit(String jobId, Process process, Duration limit) throws LaunchException {
    try {
      if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new LaunchException("job " + jobId + ": the launcher did not end within " + limit + " and was killed");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new LaunchException("job " + jobId + ": interrupted while starting", e);
    }
  }

  private static String readBounded(InputStream in) throws IOException {
    ByteArrayOutputStream kept = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      kept.write(buffer, 0, Math.min(n, Math.max(0, MAX_OUTPUT - kept.size())));
    }
    return kept.toString(StandardCharsets.UTF_8);
  }
}
