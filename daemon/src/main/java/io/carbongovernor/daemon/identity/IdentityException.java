package io.carbongovernor.daemon.identity;

/** The kernel's or the account database's answer about an identity could not be read. */
public final class IdentityException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdentityException(String message) {
    super(message);
  }

  public IdentityException(String message, Throwable cause) {
    super(message, cause);
  }
}
