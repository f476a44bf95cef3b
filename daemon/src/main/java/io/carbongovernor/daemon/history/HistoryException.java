package io.carbongovernor.daemon.history;

/** The history database could not be opened or migrated. */
public final class HistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HistoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
