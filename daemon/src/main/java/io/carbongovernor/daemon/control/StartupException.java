package io.carbongovernor.daemon.control;

/** The daemon cannot start with this configuration on this machine; the message says why. */
public final class StartupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StartupException(String message) {
    super(message);
  }

  public StartupException(String message, Throwable cause) {
    super(message, cause);
  }
}
