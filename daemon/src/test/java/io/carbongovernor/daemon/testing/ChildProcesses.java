package io.carbongovernor.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading a child daemon's output as it comes, for the process-level tests. */
public final class ChildProcesses {

  /** The longest any wait on a child lasts; a bound on a hang, not a timing. */
  public static final long WAIT_SECONDS = 60;

  private ChildProcesses() {}

  /**
   * {@code command} started with SIGHUP, SIGINT and SIGTERM at their default dispositions. A
   * signal ignored at exec stays ignored (nohup ignores SIGHUP; a background job of a
   * non-interactive shell, SIGINT), and the JVM neither resets it nor lets a child do so: a test
   * JVM started that way would start daemons that warn about the ignored signal or never get the
   * one a test sends. coreutils' {@code env --default-signal} resets them before the exec.
   */
  public static ProcessBuilder withDefaultSignals(List<String> command) {
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=HUP,INT,TERM"));
    cmd.addAll(command);
    return new ProcessBuilder(cmd);
  }

  /** The child's output lines (stdout and stderr when merged), collected as they come. */
  public static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(output closed: " + e.getMessage() + ")");
              }
            });
    reader.setDaemon(true);
    reader.start();
    return lines;
  }

  /** Waits for a line containing {@code fragment}; returns every line up to it. */
  public static List<String> awaitLine(BlockingQueue<String> lines, String fragment) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        if (line.contains(fragment)) {
          return seen;
        }
      }
    }
    throw new AssertionError("no line containing '" + fragment + "' in:\n" + String.join("\n", seen));
  }

  /** Waits for a line in which {@code pattern} is found; returns the match. */
  public static Matcher awaitLine(BlockingQueue<String> lines, Pattern pattern) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
    }
    throw new AssertionError("no line matching '" + pattern + "' in:\n" + String.join("\n", seen));
  }

  /** Waits for the child to exit; returns the rest of its output. */
  public static String drain(BlockingQueue<String> lines, Process process) throws InterruptedException {
    assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("process exits").isTrue();
    StringBuilder out = new StringBuilder();
    for (String line; (line = lines.poll(2, TimeUnit.SECONDS)) != null; ) {
      out.append(line).append('\n');
    }
    return out.toString();
  }
}
