package io.carbongovernor.daemon.queue.launch;

/** A job could not be started; the message says why (no such user, launcher failed, ...). */
public final class LaunchException extends Exception {
  private static final long serialVersionUID = 1L;

  public LaunchException(String message) {
    super(message);
  }

  public LaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
