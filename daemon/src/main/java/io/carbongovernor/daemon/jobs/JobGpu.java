package io.carbongovernor.daemon.jobs;

import io.carbongovernor.gpu.Gpu;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One GPU a job listed, and whether its claim on it counts.
 *
 * @param lastSeen the last tick the job's work ran on the GPU, or its registration before that:
 *     the grace period runs from here
 */
public record JobGpu(Gpu gpu, ClaimState state, Instant lastSeen) {

  public JobGpu {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lastSeen, "lastSeen");
  }

  static JobGpu registered(Gpu gpu, Instant at) {
    return new JobGpu(gpu, ClaimState.WAITING, at);
  }

  /** The claim after a tick that listed the GPU's processes; a dropped claim stays dropped. */
  JobGpu observed(boolean seen, Instant now, Duration grace) {
    if (state == ClaimState.DROPPED) {
      return this;
    }
    if (seen) {
      return new JobGpu(gpu, ClaimState.RUNNING, now);
    }
    ClaimState next = Duration.between(lastSeen, now).compareTo(grace) >= 0 ? ClaimState.DROPPED : ClaimState.WAITING;
    return new JobGpu(gpu, next, lastSeen);
  }
}
