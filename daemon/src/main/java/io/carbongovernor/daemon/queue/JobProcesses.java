package io.carbongovernor.daemon.queue;

import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.gpu.ProcessOwners;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * Finds a started job's process after a restart, when the launcher's answer (its pid) was lost:
 * the oldest process of the job's submitter whose environment holds the job's {@code
 * CARBON_GOVERNOR_JOB_ID}. Reads each {@code /proc/<pid>/environ} up to a bound; unreadable ones
 * are skipped. Another user's process that carries the id is never taken for the job.
 */
final class JobProcesses {

  /** Environments longer than this are not searched (the kernel's limit is far above; jobs stay well under). */
  static final int MAX_ENVIRON_BYTES = 256 * 1024;

  private final Path proc;
  private final ProcessTree tree;
  private final ProcessOwners owners;

  JobProcesses(Path proc, ProcessTree tree, ProcessOwners owners) {
    this.proc = proc;
    this.tree = tree;
    this.owners = owners;
  }

  /**
   * The pid of the job's first process (the lowest start time, then pid) among those whose real
   * uid is {@code uid}; empty when none runs.
   */
  OptionalLong find(String apiId, long uid) {
    byte[] wanted = ("CARBON_GOVERNOR_JOB_ID=" + apiId).getBytes(StandardCharsets.UTF_8);
    long best = -1;
    long bestStart = Long.MAX_VALUE;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("\\d+"))) {
      for (Path dir : dirs) {
        if (!holds(dir.resolve("environ"), wanted)) {
          continue;
        }
        long pid = Long.parseLong(dir.getFileName().toString());
        if (owners.owner(pid).map(o -> o.uid() != uid).orElse(true)) {
          continue;
        }
        long start = tree.stat(pid).map(ProcessTree.Stat::startTicks).orElse(Long.MAX_VALUE);
        if (start < bestStart || (start == bestStart && pid < best)) {
          best = pid;
          bestStart = start;
        }
      }
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    return best > 0 ? OptionalLong.of(best) : OptionalLong.empty();
  }

  private static boolean holds(Path environ, byte[] wanted) {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(environ)) {
      bytes = in.readNBytes(MAX_ENVIRON_BYTES);
    } catch (IOException | SecurityException e) {
      return false;
    }
    int from = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == 0) {
        if (i - from == wanted.length && Arrays.equals(bytes, from, i, wanted, 0, wanted.length)) {
          return true;
        }
        from = i + 1;
      }
    }
    return false;
  }
}
