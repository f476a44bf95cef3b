package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/** Zeus's pruning then Gaussian Thompson sampling, with a carbon-weighted cost. */
final class PruningThompsonAdvisor implements BatchSizeAdvisor {

  private final AdvisorSettings settings;
  private final ThompsonSampler sampler;

  PruningThompsonAdvisor(AdvisorSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.sampler = new ThompsonSampler(settings);
  }

  @Override
  public AdvisorSettings settings() {
    return settings;
  }

  @Override
  public Advice recommend(AdvisorState state, JobSpec job, CarbonIntensity intensity) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(intensity, "intensity");
    List<RunOutcome> runs = state.outcomes(job.key());
    PruningReplay.Plan plan = PruningReplay.replay(runs, job, settings.pruningRounds());
    if (plan.next().isPresent()) {
      PruningReplay.Step step = plan.next().get();
      return new Advice(step.batchSize(), Advice.Phase.PRUNING, step.candidates(), pruningReason(step, plan.restarts()));
    }
    SplittableRandom random = new SplittableRandom(seed(job.key(), runs.size()));
    ThompsonSampler.Choice choice = sampler.choose(plan.candidates(), runs, job, intensity, random);
    return new Advice(choice.batchSize(), Advice.Phase.SAMPLING, plan.candidates(), choice.reason());
  }

  @Override
  public Advice recommend(AdvisorState state, JobSpec job) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(job, "job");
    return recommend(state, job, Costs.meanIntensity(state.outcomes(job.key())));
  }

  @Override
  public AdvisorState observe(AdvisorState state, JobSpec job, RunOutcome outcome) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(outcome, "outcome");
    job.requireAllowed(outcome.batchSize());
    return state.withOutcome(job.key(), outcome);
  }

  @Override
  public StopAdvice shouldStop(AdvisorState state, JobSpec job, RunProgress progress) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(progress, "progress");
    job.requireAllowed(progress.batchSize());
    List<RunOutcome> runs = state.outcomes(job.key());
    double cost = progress.costGrams(job.timeWeight());
    CarbonIntensity at = progress.meanIntensity().orElseGet(() -> Costs.meanIntensity(runs));
    List<Integer> candidates = PruningReplay.replay(runs, job, settings.pruningRounds()).candidates();
    double best = Costs.bestReached(runs, candidates, job, at);
    if (Double.isInfinite(best)) {
      return new StopAdvice(false, cost, OptionalDouble.empty(),
          "no run of " + job.key() + " has reached its target yet at any of " + candidates + ": nothing to compare with");
    }
    double threshold = settings.beta() * best;
    boolean stop = cost > threshold;
    String reason = String.format(Locale.ROOT, "cost so far %.4g g-eq %s %.4g g-eq (%.3g x the best run's %.4g g-eq at %.0f gCO2eq/kWh)",
        cost, stop ? ">" : "<=", threshold, settings.beta(), best, at.gramsPerKwh());
    return new StopAdvice(stop, cost, OptionalDouble.of(threshold), reason);
  }

  private long seed(JobKey key, int runs) {
    // SplitMix-style mixing so neighbouring inputs give unrelated streams.
    long z = settings.seed() + 0x9E3779B97F4A7C15L * (key.stableHash() + 0x632BE59BD9B4E019L * (runs + 1));
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static String pruningReason(PruningReplay.Step step, int restarts) {
    String where = step.batchSize() == step.from()
        ? "the starting size " + step.from()
        : step.batchSize() + (step.downward() ? " downward" : " upward") + " from " + step.from();
    String again = restarts == 0 ? "" : " (started over " + restarts + "x: no size had reached the target)";
    return "pruning round " + step.round() + " over " + step.candidates() + ": trying " + where + again;
  }
}
