package io.carbongovernor.policy;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.util.Objects;
import java.util.Optional;

/**
 * What a policy knows of one GPU: its identity and constraints, its original and current limit,
 * and, when known, the profile of the work it runs (throughput and power per limit). Policies
 * that weigh speed against power ({@code chase}, {@code forecast}) need the profile and run the
 * GPU at full speed without one.
 */
public record GpuState(Gpu gpu, Power originalLimit, Power currentLimit, Optional<PowerProfile> profile) {
  public GpuState {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(currentLimit, "currentLimit");
    Objects.requireNonNull(profile, "profile");
  }

  /** A GPU whose workload profile is not known. */
  public GpuState(Gpu gpu, Power originalLimit, Power currentLimit) {
    this(gpu, originalLimit, currentLimit, Optional.empty());
  }

  /** This GPU running work that follows {@code profile}. */
  public GpuState withProfile(PowerProfile profile) {
    return new GpuState(gpu, originalLimit, currentLimit, Optional.of(profile));
  }
}
