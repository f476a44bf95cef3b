package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Runs of a synthetic recurring job whose true costs per batch size are known: each size needs a
 * number of epochs of a given energy and time, with multiplicative noise, and may miss its target.
 * Runs go through the advisor as the daemon would drive it: advice, progress checked against the
 * early stop after every epoch, then the outcome observed.
 */
final class SyntheticWorld {

  /** A size's truth: per-epoch energy and time, epochs to target, chance of reaching it. */
  record Arm(double kwhPerEpoch, double secondsPerEpoch, int epochs, double reachProbability) {}

  /** What one recurrence did. */
  record Recurrence(Advice advice, RunOutcome outcome, boolean stopped) {}

  private final Map<Integer, Arm> arms;
  private final double noise;
  private final SplittableRandom random;

  SyntheticWorld(Map<Integer, Arm> arms, double noise, long seed) {
    this.arms = arms;
    this.noise = noise;
    this.random = new SplittableRandom(seed);
  }

  /** One run: at most {@code maxEpochs}, stopped when the advisor says so. */
  Recurrence run(BatchSizeAdvisor advisor, AdvisorState state, JobSpec job, CarbonIntensity intensity, int maxEpochs) {
    Advice advice = advisor.recommend(state, job, intensity);
    Arm arm = arms.get(advice.batchSize());
    double factor = 1 + noise * (2 * random.nextDouble() - 1);
    boolean reaches = random.nextDouble() < arm.reachProbability();
    int epochsToTarget = reaches ? arm.epochs() : maxEpochs;
    double kwh = 0;
    double seconds = 0;
    for (int epoch = 1; epoch <= epochsToTarget; epoch++) {
      kwh += arm.kwhPerEpoch() * factor;
      seconds += arm.secondsPerEpoch() * factor;
      RunProgress progress = new RunProgress(advice.batchSize(), energy(kwh), duration(seconds), emissions(kwh, intensity));
      if (epoch < epochsToTarget && advisor.shouldStop(state, job, progress).stop()) {
        return new Recurrence(advice, outcome(advice.batchSize(), kwh, seconds, intensity, false, epoch), true);
      }
    }
    return new Recurrence(advice, outcome(advice.batchSize(), kwh, seconds, intensity, reaches, epochsToTarget), false);
  }

  /** {@code count} recurrences from {@code start}; each failed run is retried until one reaches. */
  static List<Recurrence> recur(
      SyntheticWorld world, BatchSizeAdvisor advisor, AdvisorState[] state, JobSpec job, CarbonIntensity intensity, int count) {
    List<Recurrence> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      for (int tries = 0; tries < 20; tries++) {
        Recurrence r = world.run(advisor, state[0], job, intensity, 30);
        state[0] = advisor.observe(state[0], job, r.outcome());
        all.add(r);
        if (r.outcome().reachedTarget()) {
          break;
        }
      }
    }
    return all;
  }

  static Energy energy(double kwh) {
    return Energy.ofJoules(kwh * 3.6e6);
  }

  static Duration duration(double seconds) {
    return Duration.ofMillis(Math.round(seconds * 1000));
  }

  static Emissions emissions(double kwh, CarbonIntensity intensity) {
    return Emissions.ofGrams(kwh * intensity.gramsPerKwh());
  }

  static RunOutcome outcome(int size, double kwh, double seconds, CarbonIntensity intensity, boolean reached, int epochs) {
    return new RunOutcome(size, energy(kwh), duration(seconds), emissions(kwh, intensity), reached, epochs);
  }
}
