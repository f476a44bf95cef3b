package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One {@code teams.d/<name>.yaml}: who belongs to the team and the policy its jobs follow.
 *
 * @param timeWeightGramsPerHour what an hour of training time is worth to the team in grams CO2e,
 *     for the batch-size advisor's cost (0: energy x intensity alone)
 * @param queue the team's rules for submitted jobs
 */
public record TeamConfig(
    String name,
    Path file,
    List<String> users,
    List<String> groups,
    PolicyConfig policy,
    List<Integer> batchSizes,
    OptionalDouble monthlyCarbonBudgetKg,
    double timeWeightGramsPerHour,
    TeamQueueRules queue) {

  /** A team with no rules for submitted jobs. */
  public TeamConfig(String name, Path file, List<String> users, List<String> groups, PolicyConfig policy,
      List<Integer> batchSizes, OptionalDouble monthlyCarbonBudgetKg, double timeWeightGramsPerHour) {
    this(name, file, users, groups, policy, batchSizes, monthlyCarbonBudgetKg, timeWeightGramsPerHour,
        TeamQueueRules.NONE);
  }

  public TeamConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(file, "file");
    users = List.copyOf(users);
    groups = List.copyOf(groups);
    Objects.requireNonNull(policy, "policy");
    batchSizes = List.copyOf(batchSizes);
    Objects.requireNonNull(monthlyCarbonBudgetKg, "monthlyCarbonBudgetKg");
    Objects.requireNonNull(queue, "queue");
  }
}
