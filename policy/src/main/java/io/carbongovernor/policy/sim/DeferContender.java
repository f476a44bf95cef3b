package io.carbongovernor.policy.sim;

import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.Policy;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleFunction;

/**
 * One way to run a job that may start any time before its deadline allows.
 *
 * @param name {@code run-now}, {@code defer}, {@code forecast}, {@code defer+forecast} or {@code oracle}
 * @param defers whether the start is planned ({@link io.carbongovernor.policy.defer.StartPlanner})
 *     rather than at arrival
 * @param policy the power policy while it runs, at a slowdown budget (a fraction); empty for the
 *     oracle
 * @param slowdown how much longer than full speed the policy may run the job (a fraction): the
 *     planner reserves it before the deadline, and the oracle is held to it; where less is left
 *     before the deadline, the policy gets what is left
 */
public record DeferContender(String name, boolean defers, Optional<DoubleFunction<Policy>> policy, double slowdown) {
  public DeferContender {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(policy, "policy");
  }

  /** Starts at arrival at full speed: the baseline. */
  public static DeferContender runNow() {
    return new DeferContender("run-now", false, Optional.of(b -> Policies.fullSpeed()), 0);
  }

  /** The planned start, then full speed. */
  public static DeferContender deferOnly() {
    return new DeferContender("defer", true, Optional.of(b -> Policies.fullSpeed()), 0);
  }

  /** Starts at arrival under {@code forecast} with a per-job budget of {@code percent}. */
  public static DeferContender forecast(double percent) {
    return new DeferContender("forecast", false, Optional.of(b -> Contenders.forecast(b * 100).policy().get()), percent / 100);
  }

  /** The planned start (reserving the budget), then {@code forecast} with a per-job budget. */
  public static DeferContender deferForecast(double percent) {
    return new DeferContender("defer+forecast", true, Optional.of(b -> Contenders.forecast(b * 100).policy().get()),
        percent / 100);
  }

  /** The best start and limits together with perfect knowledge, within the budget and the deadline. */
  public static DeferContender oracle(double percent) {
    return new DeferContender("oracle", true, Optional.empty(), percent / 100);
  }

  /** The five, forecast's and the oracle's budget {@code percent}. */
  public static java.util.List<DeferContender> all(double percent) {
    return java.util.List.of(runNow(), deferOnly(), forecast(percent), deferForecast(percent), oracle(percent));
  }

  /** The policy at the budget {@code slowdown}, or less where less is left before the deadline. */
  public Policy policyAt(double budget) {
    return policy.orElseThrow().apply(Math.min(slowdown, budget));
  }

  public boolean isOracle() {
    return policy.isEmpty();
  }
}
