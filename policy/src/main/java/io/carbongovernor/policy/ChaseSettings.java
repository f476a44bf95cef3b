package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Power;
import java.util.Objects;
import java.util.Optional;

/**
 * The knobs of Chase's cost {@code (eta * P(l) * CI_next + (1 - eta) * P_ref * CI_ref) /
 * throughput(l)}.
 *
 * @param eta weight of carbon against time, in {@code [0, 1]}: 0 is full speed, 1 ignores time
 * @param referencePower {@code P_ref}; empty means the GPU's maximum limit, as Chase does
 * @param referenceIntensity {@code CI_ref}; Chase uses 750 gCO2eq/kWh
 */
public record ChaseSettings(double eta, Optional<Power> referencePower, CarbonIntensity referenceIntensity) {

  /** Chase's own defaults: eta 0.5, the GPU's maximum limit, 750 gCO2eq/kWh. */
  public static final ChaseSettings DEFAULTS =
      new ChaseSettings(0.5, Optional.empty(), CarbonIntensity.gramsPerKwh(750));

  public ChaseSettings {
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
    }
    Objects.requireNonNull(referencePower, "referencePower");
    Objects.requireNonNull(referenceIntensity, "referenceIntensity");
  }

  public ChaseSettings withEta(double value) {
    return new ChaseSettings(value, referencePower, referenceIntensity);
  }
}
