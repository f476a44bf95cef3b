package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One daemon per GPU on a host, whatever its state directory (safety invariant 9 in
 * docs/architecture.md): an OS lock per GPU UUID in a host-wide directory ({@code
 * /run/carbon-governor} by default). Two daemons with different state directories on the same
 * GPUs would each take the other's limit for the original, and stopping both would leave the
 * GPUs throttled.
 *
 * <p>Each lock file says who holds it ({@code pid 1234 state-dir /var/lib/... since ...}) and is
 * emptied on a clean release. A file still naming another state directory was left by a daemon
 * that died; if that directory's ledger still holds the GPU, its original is there and nowhere
 * else, so the GPU is refused until that ledger is restored. The OS lets go of a killed holder's
 * locks at once, so no lock outlives its process.
 */
public final class GpuLocks implements AutoCloseable {

  /** Where the daemon's unit keeps its runtime files (systemd's RuntimeDirectory). */
  public static final Path DEFAULT_DIR = Path.of("/run/carbon-governor");

  private static final Pattern SAFE_UUID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Pattern HOLDER = Pattern.compile("pid (\\d+) state-dir (.+) since (\\S+)");

  private final List<HolderFile> held;

  private GpuLocks(List<HolderFile> held) {
    this.held = held;
  }

  /** No locks, for backends whose GPUs live in this process alone (simulated). */
  public static GpuLocks none() {
    return new GpuLocks(List.of());
  }

  /**
   * Locks every GPU in {@code uuids} for a daemon (or restore) of {@code stateDir}, or none.
   *
   * @throws GpuInUseException when another process holds one, or a dead daemon's ledger still
   *     holds one; nothing stays locked then
   * @throws java.io.UncheckedIOException when the directory cannot be made or written (the
   *     message names it and the fix)
   */
  public static GpuLocks acquire(Path dir, Collection<String> uuids, Path stateDir) {
    Path lockDir = dir.toAbsolutePath().normalize();
    Path ownState = stateDir.toAbsolutePath().normalize();
    try {
      if (!Files.isDirectory(lockDir)) {
        Files.createDirectories(lockDir);
        Files.setPosixFilePermissions(lockDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // Made by a restore run as root: the daemon's user owns it, as it owns the state directory.
        if (Files.isDirectory(ownState)) {
          StateDirFiles.ownLike(lockDir, ownState);
        }
      }
    } catch (IOException e) {
      throw StateDirFiles.failure("create the GPU lock directory (systemd's RuntimeDirectory=carbon-governor makes it;"
          + " or set gpu.lock-dir)", lockDir, e);
    }
    String me = "pid " + ProcessHandle.current().pid() + " state-dir " + ownState + " since " + Instant.now();
    List<HolderFile> taken = new ArrayList<>();
    try {
      for (String uuid : uuids) {
        Path file = lockDir.resolve("gpu-" + fileName(uuid) + ".lock");
        taken.add(HolderFile.take(file, StateDirFiles.READABLE, me,
            holder -> new GpuInUseException(uuid, "the daemon holding " + file + " (" + holder + ")"),
            last -> refuseWhereADeadDaemonLeftIt(uuid, last, ownState)));
      }
    } catch (RuntimeException e) {
      new GpuLocks(taken).close();
      throw e;
    }
    return new GpuLocks(List.copyOf(taken));
  }

  /** A file that still names another state directory whose ledger holds the GPU: refuse. */
  private static void refuseWhereADeadDaemonLeftIt(String uuid, String previous, Path ownState) {
    Matcher m = HOLDER.matcher(previous);
    if (!m.matches()) {
      return; // released cleanly, or never held
    }
    Path theirs = Path.of(m.group(2));
    if (theirs.equals(ownState)) {
      return; // our own ledger: this start restores it
    }
    boolean holds;
    try {
      holds = Ledger.read(theirs).holds(uuid);
    } catch (RuntimeException e) {
      throw new GpuInUseException(uuid, "a daemon with state directory " + theirs + " that did not exit cleanly, whose"
          + " ledger cannot be read (" + e.getMessage() + "); restore that daemon's GPUs first");
    }
    if (holds) {
      throw new GpuInUseException(uuid, "a daemon with state directory " + theirs + " (pid " + m.group(1)
          + ", gone) that did not exit cleanly: its ledger still holds this GPU's original limit. Run"
          + " `carbon-governor restore --config FILE` with that daemon's configuration first");
    }
  }

  /** A UUID as a file name; anything unusual is hex-encoded rather than trusted as a path. */
  private static String fileName(String uuid) {
    if (SAFE_UUID.matcher(uuid).matches() && !uuid.startsWith(".")) {
      return uuid;
    }
    return "x" + java.util.HexFormat.of().formatHex(uuid.getBytes(StandardCharsets.UTF_8));
  }

  /** Empties each lock file (a clean release) and lets go of it. */
  @Override
  public void close() {
    held.forEach(HolderFile::close);
  }
}
