package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;

/**
 * Recommends batch sizes for recurring jobs and learns from their finished runs, after Zeus's
 * {@code PruningGTSBatchSizeOptimizer} (Zeus, NSDI'23; ml-energy/zeus, {@code
 * zeus/_legacy/policy/optimizer.py}). Every method is a pure function of its arguments: the
 * learned state comes in as an {@link AdvisorState} and goes out as a new one.
 *
 * <p>A run's cost is carbon-weighted: {@code emissions (g) + timeWeight (g/s) * seconds}. Zeus
 * prices energy and time ({@code eta * energy + (1 - eta) * maxPower * time}); with a constant
 * grid and {@link TimeWeight#zeusEquivalent} the two rank batch sizes the same way.
 *
 * <p>How it follows Zeus:
 *
 * <ul>
 *   <li>Pruning: {@code pruningRounds} rounds (2). A round tries the default size, then smaller
 *       sizes one by one until a run does not reach its target, then larger sizes from just above
 *       the default likewise. The sizes that reached the target survive into the next round, which
 *       starts from the round's cheapest size. A run at another size than the one expected (a
 *       concurrent run) is remembered but does not move pruning on, as in Zeus's concurrency mode.
 *       A run cut short by the early stop has not reached its target, so its size is pruned.
 *   <li>Sampling: Gaussian Thompson sampling over the survivors; an arm's mean is the mean cost of
 *       its runs and its precision {@code n / variance} (Zeus learns the reward precision per arm
 *       with a flat prior); zero variance samples the mean. Sizes with fewer than {@code
 *       explorationsPerArm} runs are tried first, in random order. The cheapest sample wins.
 *   <li>Early stop: a run whose cost so far exceeds {@code beta} (2) times the cheapest run that
 *       reached the target is to be stopped; with no such run nothing is stopped.
 * </ul>
 *
 * <p>Where it departs:
 *
 * <ul>
 *   <li>The state is the list of finished runs, and pruning is replayed from it on every call
 *       instead of living in a generator, so it can be persisted and reloaded.
 *   <li>Costs are compared at one intensity, so that a run at a clean hour does not look better
 *       than the same run at a dirty one: the sampler prices every past run's energy at the
 *       intensity given to {@link #recommend(AdvisorState, JobSpec, CarbonIntensity)}; the early
 *       stop prices the best run at the running job's own mean intensity so far (a good size
 *       started at a dirty hour is not stopped for it); pruning picks the next round's start at
 *       the round's own mean intensity (so its replay never depends on the current grid).
 *   <li>The early-stop threshold is the cheapest single run that reached the target among the
 *       sizes still in the running (the round's candidates, or the survivors). Zeus's simulator
 *       uses the cheapest recurrence so far, pruned sizes included; on noisy traces a size pruned
 *       by one unlucky run then set a bar no survivor could meet, and every later run was stopped.
 *   <li>In sampling, a run that did not reach its target counts as at least {@code beta} times
 *       the best cost (it has to be run again); Zeus takes its cost as it was.
 *   <li>If a pruning round ends with no size that reached the target, pruning starts over from
 *       the default; Zeus raises an error.
 *   <li>Randomness is drawn from a generator seeded by the settings' seed, the job and the number
 *       of its finished runs: the same inputs give the same advice.
 * </ul>
 */
public interface BatchSizeAdvisor {

  /** An advisor with these settings. */
  static BatchSizeAdvisor create(AdvisorSettings settings) {
    return new PruningThompsonAdvisor(settings);
  }

  /** An advisor with Zeus's settings. */
  static BatchSizeAdvisor zeus() {
    return create(AdvisorSettings.ZEUS);
  }

  AdvisorSettings settings();

  /**
   * The batch size for the next run of {@code job}, with costs compared at {@code intensity}
   * (the intensity expected over the run: the current one or a forecast mean).
   */
  Advice recommend(AdvisorState state, JobSpec job, CarbonIntensity intensity);

  /**
   * The batch size for the next run of {@code job}, with costs compared at the job's own mean
   * intensity over its past runs (for when no signal is at hand).
   */
  Advice recommend(AdvisorState state, JobSpec job);

  /**
   * {@code state} with a finished run of {@code job} recorded.
   *
   * @throws IllegalArgumentException when the run's batch size is not one the job allows
   */
  AdvisorState observe(AdvisorState state, JobSpec job, RunOutcome outcome);

  /**
   * Whether a running job has cost more than {@code beta} times the best run of its job and
   * should be stopped (and then recorded as not having reached its target).
   *
   * @throws IllegalArgumentException when the run's batch size is not one the job allows
   */
  StopAdvice shouldStop(AdvisorState state, JobSpec job, RunProgress progress);
}
