package io.carbongovernor.daemon.config;

import io.carbongovernor.policy.Policy;
import java.util.Objects;

/** A configured policy and the kind word it was written with. */
public record PolicyConfig(String kind, Policy policy) {
  public PolicyConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(policy, "policy");
  }
}
