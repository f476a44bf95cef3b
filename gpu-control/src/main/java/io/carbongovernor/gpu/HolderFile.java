package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An OS lock on a small file that names its holder: the ledger's lock and each GPU's. The OS lets
 * go of a killed holder's lock at once, so no lock outlives its process. Within one process the
 * lock is also tracked here, since closing any descriptor of a file drops the process's POSIX
 * locks on it: a second taker in the same process must fail without touching the file. The file
 * is created with the mode given, owned like its directory, and never opened through a link.
 */
final class HolderFile implements AutoCloseable {

  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();
  private static final int MAX_HOLDER_BYTES = 4096;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private HolderFile(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code file} and writes {@code holder} into it.
   *
   * @param busy the exception to throw when someone holds it, given who ("this process", or
   *     what the file says)
   * @param previous sees what the file says of its last holder once the lock is held, before it
   *     is overwritten; when it throws, the lock is let go and the file left as it was
   * @throws java.io.UncheckedIOException when the file cannot be made or opened (a permission
   *     problem names the file and the fix)
   */
  static HolderFile take(
      Path file,
      Set<PosixFilePermission> mode,
      String holder,
      Function<String, RuntimeException> busy,
      Consumer<String> previous) {
    Path key = file.toAbsolutePath().normalize();
    if (!HELD_HERE.add(key)) {
      throw busy.apply("this process");
    }
    FileChannel channel = null;
    try {
      StateDirFiles.createIfMissing(key, mode);
      channel = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      String last = read(channel);
      if (lock == null) {
        throw busy.apply(last.isEmpty() ? "another process" : last);
      }
      previous.accept(last);
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
      return new HolderFile(key, channel, lock);
    } catch (IOException e) {
      release(key, channel);
      throw StateDirFiles.failure("lock", key, e);
    } catch (RuntimeException e) {
      release(key, channel);
      throw e;
    }
  }

  private static String read(FileChannel channel) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(MAX_HOLDER_BYTES);
    channel.read(buffer, 0);
    return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
  }

  private static void release(Path key, FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock either way.
      }
    }
    HELD_HERE.remove(key);
  }

  /** Empties the file (a clean release: it names no one) and lets go of it. */
  @Override
  public void close() {
    try {
      channel.truncate(0);
      channel.force(false);
    } catch (IOException ignored) {
      // The lock goes with the descriptor; a stale holder line only costs the next taker a look.
    }
    try {
      lock.release();
    } catch (IOException ignored) {
      // Closing the channel releases it.
    } finally {
      release(file, channel);
    }
  }
}
