package io.carbongovernor.daemon.history;

/**
 * The history database has a newer schema than this build knows: a downgrade, which the daemon
 * refuses rather than write a schema it does not understand; or a fleet node has no usable id.
 * Every other problem with the history is logged and counted while control goes on.
 */
public final class HistoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public HistoryException(String message) {
    super(message);
  }
}
