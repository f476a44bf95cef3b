package io.carbongovernor.daemon.jobs;

/** A job request that cannot be served; {@code status} is the HTTP status that says why. */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public JobException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }

  static JobException badRequest(String reason) {
    return new JobException(400, reason);
  }

  static JobException forbidden(String reason) {
    return new JobException(403, reason);
  }

  static JobException notFound(String reason) {
    return new JobException(404, reason);
  }
}
