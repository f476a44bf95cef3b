package io.carbongovernor.daemon.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The fleet-wide jobs: each runs once for the fleet, on whichever node's scheduler takes it, from
 * the schedule the nodes share in the PostgreSQL history.
 *
 * @param clusterCheckIn how often this node tells the others it is alive; a node silent for about
 *     this long plus a few seconds counts as dead and its running job is run again elsewhere
 * @param rollupEvery how often the fleet's day rollups are brought up to date
 * @param retentionEvery how often rows older than the history's retention are deleted
 * @param report the scheduled fleet report, if one is configured
 */
public record FleetConfig(
    Duration clusterCheckIn, Duration rollupEvery, Duration retentionEvery, Optional<FleetReportConfig> report) {

  public static final Duration DEFAULT_CLUSTER_CHECK_IN = Duration.ofSeconds(15);
  public static final Duration DEFAULT_ROLLUP_EVERY = Duration.ofMinutes(5);
  public static final Duration DEFAULT_RETENTION_EVERY = Duration.ofHours(1);

  /** What a PostgreSQL history without a {@code fleet} section runs: rollup and retention, no report. */
  public static final FleetConfig DEFAULTS =
      new FleetConfig(DEFAULT_CLUSTER_CHECK_IN, DEFAULT_ROLLUP_EVERY, DEFAULT_RETENTION_EVERY, Optional.empty());

  public FleetConfig {
    Objects.requireNonNull(clusterCheckIn, "clusterCheckIn");
    Objects.requireNonNull(rollupEvery, "rollupEvery");
    Objects.requireNonNull(retentionEvery, "retentionEvery");
    Objects.requireNonNull(report, "report");
  }
}
