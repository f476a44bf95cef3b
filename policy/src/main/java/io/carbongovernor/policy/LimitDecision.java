package io.carbongovernor.policy;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import java.util.Objects;

/** A policy's target power limit for one GPU, and why, in words an engineer can read in a log. */
public record LimitDecision(Gpu gpu, Power target, String reason) {
  public LimitDecision {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
  }
}
