package io.carbongovernor.policy.batch;

import java.util.List;
import java.util.Objects;

/**
 * A recommended batch size and why.
 *
 * @param batchSize the size to run at
 * @param phase pruning (trying sizes outward from the default) or sampling (choosing among the
 *     sizes that survived pruning)
 * @param candidates the sizes still in the running, ascending
 * @param reason one line for logs and the API
 */
public record Advice(int batchSize, Phase phase, List<Integer> candidates, String reason) {

  /** Where the advisor is with a job. */
  public enum Phase {
    PRUNING,
    SAMPLING
  }

  public Advice {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(reason, "reason");
    candidates = List.copyOf(candidates);
  }
}
