package io.carbongovernor.daemon.accounting;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sample period cost and saved, against running the same work at the GPU's original
 * limit (docs/reports-and-accounting.md, "Accounting"). Pure.
 *
 * <p>With a profile: the work done at limit {@code L} in time {@code t} takes {@code t * q} at the
 * original limit {@code O}, where {@code q = throughput(L) / throughput(O)}; so the extra time is
 * {@code t * (1 - q)}, and the baseline energy is the measured energy scaled by the profile's
 * energy-per-work ratio, {@code E * (P(O) / P(L)) * q}. Scaling the measured energy (not the
 * profile's absolute watts) keeps the GPU's real load in the figure. Without a profile, or at or
 * above the original limit, the baseline is the measured energy and nothing is claimed as saved.
 */
public final class Accounting {

  private Accounting() {}

  /** The accounting of one period. */
  public record Result(Energy baseline, Duration extra, Duration throttled, String profileSource) {}

  /** A workload model and where it came from (measured, configured, default). */
  public record Model(PowerProfile profile, String source) {
    public Model {
      Objects.requireNonNull(profile, "profile");
      Objects.requireNonNull(source, "source");
    }
  }

  public static final String NO_PROFILE = "none";

  public static Result account(
      Energy energy, Duration period, Power limit, Power original, Optional<Model> model) {
    Duration throttled = limit.isBelow(original) ? period : Duration.ZERO;
    if (model.isEmpty() || !limit.isBelow(original)) {
      return new Result(energy, Duration.ZERO, throttled, model.map(Model::source).orElse(NO_PROFILE));
    }
    PowerProfile p = model.get().profile();
    double q = p.relativeThroughputAt(limit) / p.relativeThroughputAt(original);
    q = Math.min(1.0, Math.max(0.0, q));
    double powerRatio = p.averagePowerAt(original).watts() / p.averagePowerAt(limit).watts();
    Energy baseline = Energy.ofMillijoules(Math.round(energy.millijoules() * powerRatio * q));
    Duration extra = Duration.ofNanos(Math.round(period.toNanos() * (1.0 - q)));
    return new Result(baseline, extra, throttled, model.get().source());
  }
}
