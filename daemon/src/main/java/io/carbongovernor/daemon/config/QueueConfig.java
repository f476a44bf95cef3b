package io.carbongovernor.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * governor.yaml's {@code queue:}: the deferrable jobs that {@code submit} hands to the daemon.
 *
 * @param enabled whether the daemon takes submissions at all
 * @param launcher how jobs are started
 * @param margin kept free before a job's deadline, beyond its expected run at the policy's slowdown
 * @param maxDeferral the longest a job may wait after its submission, node-wide; a team may set less
 * @param maxJobsPerUser queued and starting jobs one uid may have at once
 * @param checkEvery how often the queue re-plans and starts due jobs
 * @param submitters who may submit at all; empty: every local user (a team may narrow its own)
 */
public record QueueConfig(
    boolean enabled,
    Launcher launcher,
    Duration margin,
    Duration maxDeferral,
    int maxJobsPerUser,
    Duration checkEvery,
    Optional<Members> submitters) {

  /** How a job is started as its submitter. */
  public enum Launcher implements ConfigWord {
    /** systemd-run where systemd runs the host (/run/systemd/system exists), else setpriv. */
    AUTO,
    SYSTEMD_RUN,
    SETPRIV
  }

  /** Users and groups, by name. */
  public record Members(List<String> users, List<String> groups) {
    public Members {
      users = List.copyOf(users);
      groups = List.copyOf(groups);
    }
  }

  /** The longest {@code max-deferral}, node-wide or a team's. */
  public static final Duration LONGEST_DEFERRAL = Duration.ofDays(30);

  /** The largest {@code max-jobs-per-user}. */
  public static final int MOST_JOBS_PER_USER = 10_000;

  public static final QueueConfig DEFAULTS =
      new QueueConfig(true, Launcher.AUTO, Duration.ofMinutes(15), Duration.ofHours(24), 32,
          Duration.ofMinutes(1), Optional.empty());

  public QueueConfig {
    Objects.requireNonNull(launcher, "launcher");
    Objects.requireNonNull(margin, "margin");
    Objects.requireNonNull(maxDeferral, "maxDeferral");
    Objects.requireNonNull(checkEvery, "checkEvery");
    Objects.requireNonNull(submitters, "submitters");
  }
}
