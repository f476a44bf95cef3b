package io.carbongovernor.daemon.jobs;

import java.util.Locale;

/** Whether a registered job's claim on one of its GPUs counts this tick. */
public enum ClaimState {
  /** Not seen working on the GPU (yet, or since the last tick): claims nothing. */
  WAITING(
      "claims nothing until the registered process, a child of it, or a process of its group or cgroup "
          + "runs on this GPU; dropped when none has within " + JobRegistry.CLAIM_GRACE.toMinutes() + " min"),
  /** The registered process or its work is a compute process on the GPU: the job claims it. */
  RUNNING("the job's work runs on this GPU: its team's policy has a say in the GPU's limit"),
  /** Not seen on the GPU within the grace period: claims nothing for the rest of the job. */
  DROPPED(
      "the job's work did not run on this GPU within " + JobRegistry.CLAIM_GRACE.toMinutes()
          + " min: the job no longer claims it");

  private final String meaning;

  ClaimState(String meaning) {
    this.meaning = meaning;
  }

  /** The state as the API writes it. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the state means for the job, for its owner. */
  public String meaning() {
    return meaning;
  }
}
