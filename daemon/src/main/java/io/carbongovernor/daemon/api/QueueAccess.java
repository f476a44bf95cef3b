package io.carbongovernor.daemon.api;

import io.carbongovernor.daemon.queue.JobQueue;
import java.util.Objects;

/**
 * The daemon's queue as the API finds it: open, off by configuration, or not opened (and why).
 * The daemon controls its GPUs whatever became of its queue.
 */
public sealed interface QueueAccess {

  record Open(JobQueue queue) implements QueueAccess {
    public Open {
      Objects.requireNonNull(queue, "queue");
    }
  }

  /** {@code queue.enabled: false} when the daemon started. */
  record Off() implements QueueAccess {}

  /** The queue could not be opened; {@code reason} says why, for callers and {@code status}. */
  record Failed(String reason) implements QueueAccess {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
