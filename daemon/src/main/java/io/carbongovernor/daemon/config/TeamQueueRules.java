package io.carbongovernor.daemon.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A team file's rules for submitted jobs.
 *
 * @param defaultDeferral how long a job submitted without {@code --deadline} may wait to start
 * @param maxDeferral the longest any of the team's jobs may wait to start after submission (at
 *     most the node's {@link QueueConfig#maxDeferral})
 * @param submitters which of the team's members may submit; empty: all of them
 */
public record TeamQueueRules(
    Optional<Duration> defaultDeferral, Optional<Duration> maxDeferral, Optional<QueueConfig.Members> submitters) {

  public static final TeamQueueRules NONE = new TeamQueueRules(Optional.empty(), Optional.empty(), Optional.empty());

  public TeamQueueRules {
    Objects.requireNonNull(defaultDeferral, "defaultDeferral");
    Objects.requireNonNull(maxDeferral, "maxDeferral");
    Objects.requireNonNull(submitters, "submitters");
  }
}
