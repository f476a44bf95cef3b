package io.carbongovernor.policy.sim;

import io.carbongovernor.policy.Policy;
import java.util.Objects;
import java.util.Optional;

/**
 * One thing to measure: a policy at one setting of its knob, or the oracle at one slowdown budget.
 *
 * @param name the policy's kind ({@code full-speed}, {@code static}, {@code chase}, {@code
 *     forecast}) or {@code oracle}
 * @param knob the knob's setting in words ({@code eta=0.5}, {@code cap=200 W}, {@code
 *     budget=5%}), empty for full speed
 * @param policy the policy; empty for the oracle
 * @param oracleBudget the oracle's slowdown budget as a fraction; unused for policies
 * @param knobValue the knob as a number (for sorting and frontiers)
 */
public record Contender(String name, String knob, Optional<Policy> policy, double oracleBudget, double knobValue) {
  public Contender {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(knob, "knob");
    Objects.requireNonNull(policy, "policy");
  }

  public static Contender of(String name, String knob, double knobValue, Policy policy) {
    return new Contender(name, knob, Optional.of(policy), 0, knobValue);
  }

  /** The oracle finishing each job within {@code budget} (a fraction) of its full-speed time. */
  public static Contender oracle(double budget) {
    return new Contender("oracle", String.format(java.util.Locale.ROOT, "budget=%s%%", Experiment.percent(budget * 100)),
        Optional.empty(), budget, budget * 100);
  }

  public boolean isOracle() {
    return policy.isEmpty();
  }
}
