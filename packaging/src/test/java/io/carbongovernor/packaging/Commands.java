package io.carbongovernor.packaging;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Child processes for the package tests: dpkg-deb, lintian, java and the unpacked launcher. */
final class Commands {

  /** The Debian package that provides each tool the package tests run. */
  private static final Map<String, String> DEBIAN_PACKAGE =
      Map.of("dpkg-deb", "dpkg", "lintian", "lintian", "java", "openjdk-17-jre-headless");

  private Commands() {}

  /** Runs a command to its end; its stdout, or an AssertionError with its output and status. */
  static String run(String... command) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          command[0] + " is needed to check the package (Debian: apt-get install "
              + DEBIAN_PACKAGE.getOrDefault(command[0], command[0]) + "; .ci/run installs it where missing): "
              + e.getMessage(),
          e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
    }
    return out;
  }

  /** The package's files unpacked under {@code root} ({@code dpkg-deb -x}); returns root. */
  static Path unpack(Path deb, Path root) throws IOException, InterruptedException {
    run("dpkg-deb", "-x", deb.toString(), root.toString());
    return root;
  }

  /**
   * The unpacked launcher, run on the JDK running this test (17 or 25 in CI), with none of the
   * caller's settings for an installed copy.
   */
  static ProcessBuilder launcher(Path root, String... args) {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("usr/bin/carbon-governor").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    pb.environment().remove("CARBON_GOVERNOR_HOME");
    pb.environment().remove("CARBON_GOVERNOR_JAVA_OPTS");
    return pb;
  }

  /** The process's output lines as they come. */
  static BlockingQueue<String> lines(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
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

  /** The lines up to and including the first that matches; AssertionError if none comes. */
  static List<String> until(BlockingQueue<String> lines, Predicate<String> wanted, long seconds)
      throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        seen.add(line);
        if (wanted.test(line)) {
          return seen;
        }
      }
    }
    throw new AssertionError("no such line within " + seconds + " s; output:\n" + String.join("\n", seen));
  }
}
