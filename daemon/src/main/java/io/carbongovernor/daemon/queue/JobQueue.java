package io.carbongovernor.daemon.queue;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.queue.launch.JobLauncher;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The deferrable jobs handed to the daemon by {@code submit}: kept durably, re-planned at each
 * check, and started once each, as their submitter, by their latest feasible start.
 */
public final class JobQueue implements AutoCloseable {

  private JobQueue() {}

  /**
   * Opens the queue in the node's SQLite database (its history, or its spool in a fleet), and
   * recovers what a crash left: a job recorded as starting whose launch marker exists counts as
   * started, one without is started again (the marker makes a second start impossible).
   *
   * @param config the current configuration (queue rules, teams, policies), read at each use so
   *     that a reload applies
   */
  public static JobQueue open(
      Supplier<GovernorConfig> config,
      Path database,
      JobLauncher launcher,
      JobRegistry jobs,
      AccountNames accounts,
      Clock clock) {
    throw new UnsupportedOperationException("not built yet");
  }

  /**
   * Accepts a job from {@code callerUid} (from the kernel) and records it durably before
   * answering.
   *
   * @throws QueueException 400 bad request, 403 not allowed to submit (or not in the team named),
   *     409 no expected duration given or learned, 422 the deadline cannot be met, 429 too many
   *     jobs, 503 the queue cannot be written
   */
  public QueuedJob submit(long callerUid, SubmitRequest request) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** The caller's jobs (root: all), newest first, ended ones included for a while. */
  public List<QueuedJob> list(long callerUid) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** @throws QueueException 404 unknown or not the caller's (root: any) */
  public QueuedJob get(long callerUid, String id) {
    throw new UnsupportedOperationException("not built yet");
  }

  /**
   * Cancels a queued job (its owner or root).
   *
   * @throws QueueException 404 unknown or not the caller's, 409 already started or ended
   */
  public QueuedJob cancel(long callerUid, String id) {
    throw new UnsupportedOperationException("not built yet");
  }

  /**
   * Re-plans every queued job on what is known now and starts the due ones; notes started jobs
   * that have ended. Called every {@code queue.check-every}; never throws.
   *
   * @param known the current signal and the forecast, in time order
   * @param history recorded slots before now, in time order
   * @param gpus the node's GPUs now
   */
  public void check(List<CarbonSignal> known, List<CarbonSignal> history, List<Gpu> gpus) {
    throw new UnsupportedOperationException("not built yet");
  }

  /** The launcher's kind, for {@code status}. */
  public String launcherKind() {
    throw new UnsupportedOperationException("not built yet");
  }

  @Override
  public void close() {}
}
