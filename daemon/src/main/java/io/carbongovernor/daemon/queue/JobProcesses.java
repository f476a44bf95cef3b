package io.carbongovernor.daemon.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

  JobProcesses(Path proc) {
    this.proc = proc;
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
        if (realUid(dir) != uid || !holds(dir.resolve("environ"), wanted)) {
          continue;
        }
        long pid = Long.parseLong(dir.getFileName().toString());
        long start = startTicks(dir);
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
        if (i - from == wanted.length && java.util.Arrays.equals(bytes, from, i, wanted, 0, wanted.length)) {
          return true;
        }
        from = i + 1;
      }
    }
    return false;
  }

  /** The real uid from {@code status}; -1 when it cannot be read. */
  private static long realUid(Path dir) {
    try {
      for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("Uid:")) {
          return Long.parseLong(line.substring(4).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  private static long startTicks(Path dir) {
    try {
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.UTF_8);
      String[] f = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
      return Long.parseLong(f[19]);
    } catch (IOException | RuntimeException e) {
      return Long.MAX_VALUE;
    }
  }
}
