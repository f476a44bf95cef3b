package io.carbongovernor.daemon.jobs;

/** How a run ended: whether it reached its target, and after how many epochs. */
public record JobOutcome(boolean reachedTarget, int epochs) {
  public JobOutcome {
    if (epochs < 0) {
      throw JobException.badRequest("epochs cannot be negative");
    }
  }
}
