package io.carbongovernor.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Real processes that run on simulated GPUs: the processes of the daemon's own user that were
 * started with {@value #VARIABLE} in their environment, a comma-separated list of GPU indices or
 * UUIDs. The simulated backend lists them among a GPU's compute processes, as NVML lists a process
 * that opened a CUDA context there; who runs them is then read from /proc like anyone's. Only the
 * daemon's own user's processes are looked at: nobody else's environment is read, and nobody else
 * can put work on the simulation.
 */
public final class DeclaredProcesses {

  /** The variable a process names its simulated GPUs in. */
  public static final String VARIABLE = "CARBON_GOVERNOR_SIMULATED_GPUS";
  /** An environment larger than this is not searched (Linux allows a few megabytes). */
  static final int MAX_ENVIRON_BYTES = 128 * 1024;
  /** The most /proc entries one scan looks at. */
  static final int MAX_ENTRIES = 65_536;

  private static final byte[] PREFIX = (VARIABLE + "=").getBytes(StandardCharsets.US_ASCII);
  private static final DeclaredProcesses NONE = new DeclaredProcesses(null, -1, -1);

  private final Path procRoot;
  private final long uid;
  private final long self;

  private DeclaredProcesses(Path procRoot, long uid, long self) {
    this.procRoot = procRoot;
    this.uid = uid;
    this.self = self;
  }

  /** No real process runs on a simulated GPU. */
  public static DeclaredProcesses none() {
    return NONE;
  }

  /**
   * The host's processes of this process's user (the owner of {@code /proc/self}), this process
   * left out.
   *
   * @throws UncheckedIOException when /proc cannot tell who this process is
   */
  public static DeclaredProcesses system() {
    Path proc = Path.of("/proc");
    long self = ProcessHandle.current().pid();
    try {
      return new DeclaredProcesses(proc, ownerOf(proc.resolve(Long.toString(self))), self);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot tell this process's user from " + proc + "/" + self, e);
    }
  }

  /** The processes of {@code uid} in a /proc-shaped folder (tests lay one out). */
  public static DeclaredProcesses under(Path procRoot, long uid) {
    return new DeclaredProcesses(Objects.requireNonNull(procRoot, "procRoot"), uid, -1);
  }

  /** The pids, in /proc's order, whose environment names {@code gpu}; empty when none does. */
  public List<Long> on(Gpu gpu) {
    if (procRoot == null) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
      int seen = 0;
      for (Path entry : entries) {
        if (++seen > MAX_ENTRIES) {
          break;
        }
        long pid = pid(entry.getFileName().toString());
        if (pid > 0 && pid != self && owned(entry) && names(declared(entry), gpu)) {
          pids.add(pid);
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: no real process is known to run here, as if none had started.
    }
    return pids;
  }

  private boolean owned(Path dir) {
    try {
      return ownerOf(dir) == uid;
    } catch (IOException e) {
      return false; // gone since it was listed
    }
  }

  private static long ownerOf(Path dir) throws IOException {
    return ((Number) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue();
  }

  /** The variable's value in the process's environment; empty when absent or unreadable. */
  private static String declared(Path dir) {
    byte[] env;
    try (InputStream in = Files.newInputStream(dir.resolve("environ"))) {
      env = in.readNBytes(MAX_ENVIRON_BYTES + 1);
    } catch (IOException | SecurityException e) {
      return ""; // gone, or not ours to read after all
    }
    if (env.length > MAX_ENVIRON_BYTES) {
      return "";
    }
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (startsWith(env, start, i)) {
          return new String(env, start + PREFIX.length, i - start - PREFIX.length, StandardCharsets.UTF_8);
        }
        start = i + 1;
      }
    }
    return "";
  }

  private static boolean startsWith(byte[] env, int from, int to) {
    if (to - from < PREFIX.length) {
      return false;
    }
    for (int k = 0; k < PREFIX.length; k++) {
      if (env[from + k] != PREFIX[k]) {
        return false;
      }
    }
    return true;
  }

  /** Whether a comma-separated list names the GPU ({@link Gpu#isNamedBy}). */
  static boolean names(String list, Gpu gpu) {
    for (String ref : list.split(",")) {
      if (gpu.isNamedBy(ref.trim())) {
        return true;
      }
    }
    return false;
  }

  private static long pid(String name) {
    if (name.isEmpty() || name.length() > 10) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(name);
  }
}
