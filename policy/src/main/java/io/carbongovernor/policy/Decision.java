package io.carbongovernor.policy;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One tick's decision: a limit per GPU, and the batch size recommended to cooperating jobs (empty
 * when the policy has no opinion).
 */
public record Decision(String policy, List<LimitDecision> limits, OptionalInt batchSize) {
  public Decision {
    Objects.requireNonNull(policy, "policy");
    limits = List.copyOf(limits);
    Objects.requireNonNull(batchSize, "batchSize");
  }
}
