package io.carbongovernor.daemon.queue;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A queued job as its row holds it: the job, and the start time (clock ticks after boot) of its
 * started process, which tells that process from a later one given the same pid.
 */
record StoredJob(QueuedJob job, OptionalLong processStart) {
  StoredJob {
    Objects.requireNonNull(job, "job");
    Objects.requireNonNull(processStart, "processStart");
  }

  StoredJob(QueuedJob job) {
    this(job, OptionalLong.empty());
  }
}
