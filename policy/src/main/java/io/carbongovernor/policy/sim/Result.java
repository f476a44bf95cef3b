package io.carbongovernor.policy.sim;

import java.util.Objects;

/**
 * What one contender did over all jobs, against full speed.
 *
 * @param oracleFraction the share of the oracle's carbon reduction at equal slowdown that this
 *     contender achieved (1.0: as good as perfect knowledge); NaN when the oracle itself saves
 *     nothing at that slowdown
 */
public record Result(Contender contender, Totals totals, double carbonChangePercent, double timeChangePercent,
    double oracleFraction) {
  public Result {
    Objects.requireNonNull(contender, "contender");
    Objects.requireNonNull(totals, "totals");
  }
}
