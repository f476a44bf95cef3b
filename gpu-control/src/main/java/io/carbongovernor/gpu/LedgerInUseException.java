package io.carbongovernor.gpu;

import java.nio.file.Path;

/** The state directory's ledger is open elsewhere: a running daemon, or a restore under way. */
public final class LedgerInUseException extends IllegalStateException {

  private final Path lockFile;

  LedgerInUseException(Path lockFile, String holder) {
    super("the ledger is in use by " + holder + " (lock " + lockFile + "); a running daemon restores its GPUs"
        + " when it stops (systemctl stop carbon-governor)");
    this.lockFile = lockFile;
  }

  public Path lockFile() {
    return lockFile;
  }
}
