package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Power;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The knobs of Chase's cost {@code (eta * P(l) * CI_next + (1 - eta) * P_ref * CI_ref) /
 * throughput(l)}.
 *
 * @param eta weight of carbon against time, in {@code [0, 1]}: 0 is full speed, 1 ignores time
 * @param referencePower {@code P_ref}; empty means the GPU's maximum limit, as Chase does
 * @param referenceIntensity {@code CI_ref}; Chase uses 750 gCO2eq/kWh. With an adaptive reference,
 *     the value used until {@link #MIN_REFERENCE_HISTORY} of the window has been seen
 * @param referenceWindow when present, {@code CI_ref} is adaptive: the median intensity of the
 *     history within this window before each decision, each slot weighed by its length, so that a
 *     grid is measured against its own usual level rather than a fixed 750
 */
public record ChaseSettings(
    double eta, Optional<Power> referencePower, CarbonIntensity referenceIntensity, Optional<Duration> referenceWindow) {

  /** Chase's own defaults: eta 0.5, the GPU's maximum limit, 750 gCO2eq/kWh. */
  public static final ChaseSettings DEFAULTS =
      new ChaseSettings(0.5, Optional.empty(), CarbonIntensity.gramsPerKwh(750));

  /** An adaptive reference's window unless one is given: long enough to span a month's weather. */
  public static final Duration DEFAULT_REFERENCE_WINDOW = Duration.ofDays(30);

  /** The shortest adaptive window: a median over less would follow the time of day. */
  public static final Duration MIN_REFERENCE_WINDOW = Duration.ofDays(1);

  /** The longest adaptive window: a year and a day, as much as the daemon keeps. */
  public static final Duration MAX_REFERENCE_WINDOW = Duration.ofDays(366);

  /**
   * The history an adaptive reference needs inside its window before it is used: a full daily
   * cycle, else the median would be the level of whichever hours happen to have been seen.
   */
  public static final Duration MIN_REFERENCE_HISTORY = Duration.ofDays(1);

  public ChaseSettings {
    if (!(eta >= 0 && eta <= 1)) {
      throw new IllegalArgumentException("eta must be within [0, 1], got " + eta);
    }
    Objects.requireNonNull(referencePower, "referencePower");
    Objects.requireNonNull(referenceIntensity, "referenceIntensity");
    Objects.requireNonNull(referenceWindow, "referenceWindow");
    if (referenceWindow.isPresent()
        && (referenceWindow.get().compareTo(MIN_REFERENCE_WINDOW) < 0
            || referenceWindow.get().compareTo(MAX_REFERENCE_WINDOW) > 0)) {
      throw new IllegalArgumentException(
          "the reference window must be within 1d and 366d, got " + referenceWindow.get());
    }
  }

  /** A fixed reference intensity, as Chase has it. */
  public ChaseSettings(double eta, Optional<Power> referencePower, CarbonIntensity referenceIntensity) {
    this(eta, referencePower, referenceIntensity, Optional.empty());
  }

  public ChaseSettings withEta(double value) {
    return new ChaseSettings(value, referencePower, referenceIntensity, referenceWindow);
  }

  /** These settings with {@code CI_ref} the median intensity seen over {@code window}. */
  public ChaseSettings withAdaptiveReference(Duration window) {
    return new ChaseSettings(eta, referencePower, referenceIntensity, Optional.of(window));
  }

  /** Whether {@code CI_ref} comes from the history rather than being fixed. */
  public boolean adaptive() {
    return referenceWindow.isPresent();
  }
}
