package io.carbongovernor.daemon.queue;

/** The queue's table could not be read or written; nothing of the change was kept. */
final class QueueStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  QueueStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
