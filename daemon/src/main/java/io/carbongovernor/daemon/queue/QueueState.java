package io.carbongovernor.daemon.queue;

/**
 * Where a submitted job stands. Moves only forward: QUEUED to STARTING (recorded durably before
 * the launcher runs) to STARTED or FAILED, then FINISHED; QUEUED to CANCELLED.
 */
public enum QueueState {
  QUEUED,
  STARTING,
  STARTED,
  FINISHED,
  FAILED,
  CANCELLED;

  public String word() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
