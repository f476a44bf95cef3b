package io.carbongovernor.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code chattr}, for files the kernel must refuse to write even for root. It needs
 * CAP_LINUX_IMMUTABLE and a file system with the flag; a test skips where the kernel refuses.
 */
public final class Chattr {

  /** The exit status and output of one run. */
  public record Result(int exit, String output) {
    public boolean succeeded() {
      return exit == 0;
    }
  }

  private Chattr() {}

  public static Result run(String flags, Path... files) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("chattr", flags));
    for (Path f : files) {
      cmd.add(f.toString());
    }
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(127, "chattr cannot run: " + e.getMessage());
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return new Result(124, "chattr did not exit");
    }
    return new Result(p.exitValue(), out);
  }

  /** Clears the immutable flag of every file under {@code dir}, so that it can be deleted. */
  public static void clearAll(Path dir) throws IOException, InterruptedException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      if (!all.isEmpty()) {
        run("-i", all.toArray(Path[]::new));
      }
    }
  }
}
