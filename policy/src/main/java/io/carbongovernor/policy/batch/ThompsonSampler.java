package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/** Gaussian Thompson sampling over the sizes that survived pruning; lowest sampled cost wins. */
final class ThompsonSampler {

  record Choice(int batchSize, String reason) {}

  private final AdvisorSettings settings;

  ThompsonSampler(AdvisorSettings settings) {
    this.settings = settings;
  }

  Choice choose(List<Integer> arms, List<RunOutcome> runs, JobSpec job, CarbonIntensity at, RandomGenerator random) {
    double best = Costs.bestReached(runs, arms, job, at);
    List<Integer> order = new ArrayList<>(arms);
    Collections.shuffle(order, asRandom(random));
    for (int arm : order) {
      int count = costs(arm, runs, job, at, best).size();
      if (count < settings.explorationsPerArm()) {
        return new Choice(arm, String.format(Locale.ROOT, "sampling among %s: %d has %d of the %d runs a size needs first",
            arms, arm, count, settings.explorationsPerArm()));
      }
    }
    int chosen = arms.get(0);
    double lowest = Double.POSITIVE_INFINITY;
    double chosenMean = 0;
    for (int arm : arms) {
      List<Double> costs = costs(arm, runs, job, at, best);
      double mean = mean(costs);
      double variance = variance(costs, mean);
      double sample = variance == 0 ? mean : mean + Math.sqrt(variance / costs.size()) * random.nextGaussian();
      if (sample < lowest) {
        lowest = sample;
        chosen = arm;
        chosenMean = mean;
      }
    }
    return new Choice(chosen, String.format(Locale.ROOT,
        "sampling among %s at %.0f gCO2eq/kWh: %d drew the lowest cost (%.4g g-eq, mean %.4g g-eq)",
        arms, at.gramsPerKwh(), chosen, lowest, chosenMean));
  }

  /**
   * The arm's recent run costs at {@code at}; a run that missed its target costs at least beta
   * times the best run of the arms.
   */
  private List<Double> costs(int arm, List<RunOutcome> runs, JobSpec job, CarbonIntensity at, double best) {
    List<Double> costs = new ArrayList<>();
    for (int i = runs.size() - 1; i >= 0; i--) {
      RunOutcome run = runs.get(i);
      if (run.batchSize() != arm) {
        continue;
      }
      double cost = run.costGramsAt(at, job.timeWeight());
      costs.add(run.reachedTarget() || Double.isInfinite(best) ? cost : Math.max(cost, settings.beta() * best));
      if (costs.size() == settings.window()) {
        break;
      }
    }
    return costs;
  }

  private static double mean(List<Double> values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.size();
  }

  /** Population variance, as Zeus takes it (numpy's default). */
  private static double variance(List<Double> values, double mean) {
    double sum = 0;
    for (double v : values) {
      sum += (v - mean) * (v - mean);
    }
    return sum / values.size();
  }

  private static java.util.Random asRandom(RandomGenerator random) {
    return new java.util.Random(random.nextLong());
  }
}
