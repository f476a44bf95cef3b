package io.carbongovernor.policy;

import java.util.OptionalInt;

/** Every GPU at its original limit. Also the fail-safe. */
final class FullSpeedPolicy implements Policy {

  static final FullSpeedPolicy INSTANCE = new FullSpeedPolicy();

  private FullSpeedPolicy() {}

  @Override
  public String kind() {
    return "full-speed";
  }

  /** Never slows a job. */
  @Override
  public java.util.OptionalDouble jobSlowdownBound() {
    return java.util.OptionalDouble.of(0);
  }

  @Override
  public Decision decide(PolicyInput input) {
    return new Decision(
        kind(),
        input.gpus().stream()
            .map(g -> new LimitDecision(g.gpu(), g.originalLimit(), "full-speed: original limit"))
            .toList(),
        OptionalInt.empty());
  }
}
