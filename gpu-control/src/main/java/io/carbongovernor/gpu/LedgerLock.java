package io.carbongovernor.gpu;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The exclusive hold on a state directory's ledger: one daemon, or one {@code restore}, at a time.
 * Two daemons on one ledger would each take the other's limits for an operator's, and one's
 * rewrite of the file would leave the other appending to a file no longer there.
 *
 * <p>A {@link HolderFile} named {@value #FILE_NAME} (not the ledger, which is replaced when
 * rewritten), holding the holder's pid for the message.
 */
final class LedgerLock implements AutoCloseable {

  static final String FILE_NAME = "ledger.lock";

  private final HolderFile held;

  private LedgerLock(HolderFile held) {
    this.held = held;
  }

  /**
   * Takes the lock of {@code stateDir}, which must exist.
   *
   * @throws LedgerInUseException when another process, or another ledger in this one, holds it
   */
  static LedgerLock acquire(Path stateDir) {
    Path file = stateDir.resolve(FILE_NAME).toAbsolutePath().normalize();
    return new LedgerLock(HolderFile.take(file, StateDirFiles.PRIVATE,
        "pid " + ProcessHandle.current().pid() + " since " + Instant.now(),
        holder -> new LedgerInUseException(file, holder), last -> {}));
  }

  @Override
  public void close() {
    held.close();
  }
}
