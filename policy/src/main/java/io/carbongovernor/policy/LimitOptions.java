package io.carbongovernor.policy;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The limits a speed-aware policy chooses among for one GPU, with the power drawn and the work
 * done at each: the profile's measured limits that lie inside the GPU's constraints and not above
 * its original limit, plus the original limit itself (full speed). Between measured limits the
 * profile is linear, so measured limits are where the best trade-offs lie.
 *
 * <p>Work is counted in epochs of the profile. Immutable.
 */
public final class LimitOptions {

  private final PowerProfile profile;
  private final Power[] limits;
  private final double[] watts;
  private final double[] epochsPerSecond;

  private LimitOptions(PowerProfile profile, List<Power> limits) {
    this.profile = profile;
    int n = limits.size();
    this.limits = limits.toArray(new Power[0]);
    this.watts = new double[n];
    this.epochsPerSecond = new double[n];
    for (int i = 0; i < n; i++) {
      watts[i] = profile.averagePowerAt(this.limits[i]).watts();
      epochsPerSecond[i] = 1.0 / profile.epochSecondsAt(this.limits[i]);
    }
  }

  /** The options for {@code gpu}, whose original (full-speed) limit is {@code originalLimit}. */
  public static LimitOptions of(Gpu gpu, Power originalLimit, PowerProfile profile) {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(profile, "profile");
    Power top = gpu.constraints().clamp(originalLimit);
    TreeSet<Power> chosen = new TreeSet<>();
    for (PowerProfile.Point p : profile.points()) {
      if (gpu.constraints().contains(p.limit()) && !p.limit().isAbove(top)) {
        chosen.add(p.limit());
      }
    }
    chosen.add(top);
    return new LimitOptions(profile, new ArrayList<>(chosen));
  }

  /** The options for a GPU as a policy sees it. */
  static LimitOptions of(GpuState state, PowerProfile profile) {
    return of(state.gpu(), state.originalLimit(), profile);
  }

  public PowerProfile profile() {
    return profile;
  }

  /** How many limits there are; index {@code size() - 1} is full speed. */
  public int size() {
    return limits.length;
  }

  /** The full-speed option: the original limit. */
  public int fullSpeed() {
    return limits.length - 1;
  }

  public Power limit(int option) {
    return limits[option];
  }

  /** Average power drawn at an option, in watts. */
  public double watts(int option) {
    return watts[option];
  }

  /** Work done per second at an option, in epochs. */
  public double epochsPerSecond(int option) {
    return epochsPerSecond[option];
  }

  /** The option whose limit is {@code limit}, or -1. */
  public int indexOf(Power limit) {
    for (int i = 0; i < limits.length; i++) {
      if (limits[i].equals(limit)) {
        return i;
      }
    }
    return -1;
  }
}
