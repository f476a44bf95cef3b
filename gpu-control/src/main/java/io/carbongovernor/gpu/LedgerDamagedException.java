package io.carbongovernor.gpu;

/**
 * A ledger line that cannot be trusted: restoring from it could leave a GPU off its original, so
 * nothing is restored from it. The message starts with {@code file:line:} and says what to do.
 */
public final class LedgerDamagedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  LedgerDamagedException(String message) {
    super(message);
  }
}
