package io.carbongovernor.policy;

/**
 * A pure decision function: the same input always gives the same decision. No I/O, no clock, so
 * the same objects run in the daemon and in the simulator.
 */
public interface Policy {

  /** The config word for this policy ({@code full-speed}, {@code bands}, ...). */
  String kind();

  Decision decide(PolicyInput input);

  /**
   * How far back this policy reads {@link PolicyInput#history()}: a caller need pass no more.
   * Zero for policies that never look back.
   */
  default java.time.Duration historyNeeded() {
    return java.time.Duration.ZERO;
  }

  /**
   * The most this policy slows one job, as a fraction of its full-speed time (0.05: 5 % longer),
   * for planning when a job must start; empty when the policy sets no bound on it (a fixed cap or
   * a table of caps slows a job by whatever the cap costs it).
   */
  default java.util.OptionalDouble jobSlowdownBound() {
    return java.util.OptionalDouble.empty();
  }
}
