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
}
