package io.carbongovernor.daemon.api;

/** A request the API refuses; the status and reason go back to the caller as JSON. */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  int status() {
    return status;
  }
}
