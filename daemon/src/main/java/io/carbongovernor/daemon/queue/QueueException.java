package io.carbongovernor.daemon.queue;

/** A queue request that cannot be served; {@code status} is the HTTP status that says why. */
public final class QueueException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public QueueException(int status, String reason) {
    super(reason);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
