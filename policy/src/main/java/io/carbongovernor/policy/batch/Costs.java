package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.Collection;

/** Cost arithmetic shared by pruning, sampling and the early stop. */
final class Costs {

  private Costs() {}

  /** The energy-weighted mean intensity of these runs; zero when they used no energy. */
  static CarbonIntensity meanIntensity(Collection<RunOutcome> runs) {
    double kwh = 0;
    double grams = 0;
    for (RunOutcome run : runs) {
      kwh += run.energy().kilowattHours();
      grams += run.emissions().grams();
    }
    return kwh == 0 ? CarbonIntensity.gramsPerKwh(0)
        : CarbonIntensity.gramsPerKwh(Math.min(grams / kwh, CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH));
  }

  /**
   * The cheapest run at {@code at} that reached its target, among the sizes in {@code
   * candidates}; infinity if none.
   */
  static double bestReached(Collection<RunOutcome> runs, Collection<Integer> candidates, JobSpec job, CarbonIntensity at) {
    double best = Double.POSITIVE_INFINITY;
    for (RunOutcome run : runs) {
      if (run.reachedTarget() && candidates.contains(run.batchSize())) {
        best = Math.min(best, run.costGramsAt(at, job.timeWeight()));
      }
    }
    return best;
  }
}
