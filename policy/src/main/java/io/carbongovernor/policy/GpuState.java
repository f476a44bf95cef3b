package io.carbongovernor.policy;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import java.util.Objects;

/** What a policy knows of one GPU: its identity and constraints, and its original and current limit. */
public record GpuState(Gpu gpu, Power originalLimit, Power currentLimit) {
  public GpuState {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(currentLimit, "currentLimit");
  }
}
