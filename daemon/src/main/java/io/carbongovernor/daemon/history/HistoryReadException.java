package io.carbongovernor.daemon.history;

/**
 * The history could not be read for a report: the database cannot be opened or queried, or it
 * holds a value no recorder writes (a negative energy). The message names the cause.
 */
public final class HistoryReadException extends Exception {
  private static final long serialVersionUID = 1L;

  public HistoryReadException(String message, Throwable cause) {
    super(message, cause);
  }
}
