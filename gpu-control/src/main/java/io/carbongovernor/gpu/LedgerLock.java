package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive hold on a state directory's ledger: one daemon, or one {@code restore}, at a time.
 * Two daemons on one ledger would each take the other's limits for an operator's, and one's
 * rewrite of the file would leave the other appending to a file no longer there.
 *
 * <p>An OS lock on {@value #FILE_NAME} (not on the ledger, which is replaced when rewritten), so a
 * holder killed with {@code kill -9} lets go at once. The file holds the holder's pid, for the
 * message. Within one process the lock is also tracked here, since closing any descriptor of a
 * file drops the process's POSIX locks on it: a second open in the same process must fail
 * without touching the file.
 */
final class LedgerLock implements AutoCloseable {

  static final String FILE_NAME = "ledger.lock";

  private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private LedgerLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code stateDir}, which must exist.
   *
   * @throws LedgerInUseException when another process, or another ledger in this one, holds it
   */
  static LedgerLock acquire(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME).toAbsolutePath().normalize();
    if (!HELD_HERE.add(file)) {
      throw new LedgerInUseException(file, "this process");
    }
    FileChannel channel = null;
    try {
      StateDirFiles.createIfMissing(file, StateDirFiles.PRIVATE);
      channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
      FileLock lock = channel.tryLock();
      if (lock == null) {
        channel.close();
        throw new LedgerInUseException(file, holder(file));
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(
          ("pid " + ProcessHandle.current().pid() + " since " + Instant.now() + "\n").getBytes(StandardCharsets.UTF_8)));
      return new LedgerLock(file, channel, lock);
    } catch (IOException | OverlappingFileLockException e) {
      HELD_HERE.remove(file);
      closeQuietly(channel);
      if (e instanceof IOException io) {
        throw StateDirFiles.failure("lock", file, io);
      }
      throw new LedgerInUseException(file, "this process");
    } catch (RuntimeException e) {
      HELD_HERE.remove(file);
      throw e;
    }
  }

  /** Who holds the lock, as its file says: "pid 1234 since 2026-...". */
  private static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      return text.isEmpty() ? "another process" : text;
    } catch (IOException e) {
      return "another process";
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing releases the lock either way.
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // The channel's close below releases it.
    } finally {
      closeQuietly(channel);
      HELD_HERE.remove(file);
    }
  }
}
