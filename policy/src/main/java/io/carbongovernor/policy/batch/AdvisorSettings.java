package io.carbongovernor.policy.batch;

/**
 * The advisor's knobs.
 *
 * @param beta early-stop factor: a run whose cost so far exceeds {@code beta} times the best
 *     finished run's cost is stopped (Zeus: 2)
 * @param pruningRounds rounds of pruning exploration before sampling (Zeus: 2)
 * @param window how many of each size's latest runs the sampler looks at; 0 for all (Zeus's
 *     {@code window_size}, default 0)
 * @param explorationsPerArm runs a surviving size needs before it is sampled rather than tried
 *     (Zeus: 2)
 * @param seed seeds the sampler; the same seed, state and job always give the same advice
 */
public record AdvisorSettings(double beta, int pruningRounds, int window, int explorationsPerArm, long seed) {

  /** Zeus's published settings, and Zeus's default seed. */
  public static final AdvisorSettings ZEUS = new AdvisorSettings(2.0, 2, 0, 2, 123456L);

  public AdvisorSettings {
    if (!(beta > 1) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be finite and > 1, got " + beta);
    }
    if (pruningRounds < 1) {
      throw new IllegalArgumentException("pruning rounds must be at least 1, got " + pruningRounds);
    }
    if (window < 0) {
      throw new IllegalArgumentException("window must be 0 (all runs) or positive, got " + window);
    }
    if (explorationsPerArm < 1) {
      throw new IllegalArgumentException("explorations per size must be at least 1, got " + explorationsPerArm);
    }
  }

  /** These settings with another seed. */
  public AdvisorSettings withSeed(long newSeed) {
    return new AdvisorSettings(beta, pruningRounds, window, explorationsPerArm, newSeed);
  }
}
