package io.carbongovernor.policy;

import io.carbongovernor.gpu.Power;
import java.util.Objects;
import java.util.OptionalInt;

/** A fixed cap, whatever the grid does; never above the GPU's original limit. */
final class StaticPolicy implements Policy {

  private final PowerCap cap;

  StaticPolicy(PowerCap cap) {
    this.cap = Objects.requireNonNull(cap, "cap");
  }

  @Override
  public String kind() {
    return "static";
  }

  @Override
  public Decision decide(PolicyInput input) {
    return new Decision(
        kind(),
        input.gpus().stream()
            .map(
                g ->
                    new LimitDecision(
                        g.gpu(),
                        Power.min(g.originalLimit(), cap.resolve(g.gpu().constraints())),
                        "static cap " + cap))
            .toList(),
        OptionalInt.empty());
  }
}
