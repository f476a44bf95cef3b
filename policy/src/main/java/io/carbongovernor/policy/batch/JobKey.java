package io.carbongovernor.policy.batch;

import java.util.Objects;

/**
 * A recurring job: runs with the same name in the same team are the same job.
 *
 * @param team the team's name (its file name in {@code teams.d/})
 * @param job the name the job registers under
 */
public record JobKey(String team, String job) {

  public JobKey {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(job, "job");
    if (team.isBlank() || job.isBlank()) {
      throw new IllegalArgumentException("team and job names must not be blank, got team='" + team + "' job='" + job + "'");
    }
  }

  /** A hash with a documented formula, so advice is reproducible on every JVM. */
  long stableHash() {
    return 31L * team.hashCode() + job.hashCode();
  }

  @Override
  public String toString() {
    return team + "/" + job;
  }
}
