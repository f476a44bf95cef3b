package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/** One {@code teams.d/<name>.yaml}: who belongs to the team and the policy its jobs follow. */
public record TeamConfig(
    String name,
    Path file,
    List<String> users,
    List<String> groups,
    PolicyConfig policy,
    List<Integer> batchSizes,
    OptionalDouble monthlyCarbonBudgetKg) {

  public TeamConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    users = List.copyOf(users);
    groups = List.copyOf(groups);
    Objects.requireNonNull(policy, "policy");
    batchSizes = List.copyOf(batchSizes);
    Objects.requireNonNull(monthlyCarbonBudgetKg, "monthlyCarbonBudgetKg");
  }
}
