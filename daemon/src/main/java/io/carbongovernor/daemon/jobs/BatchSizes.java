package io.carbongovernor.daemon.jobs;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.policy.batch.Advice;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import io.carbongovernor.policy.batch.Emissions;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.JobSpec;
import io.carbongovernor.policy.batch.RunOutcome;
import io.carbongovernor.policy.batch.RunProgress;
import io.carbongovernor.policy.batch.StopAdvice;
import io.carbongovernor.policy.batch.TimeWeight;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-size advisor at work in the daemon: a recommendation for each run of a recurring job
 * of a team that lists its allowed batch sizes, an early-stop verdict on each progress report,
 * and every finished run remembered in the history store so that learning survives restarts.
 */
public final class BatchSizes {

  private static final Logger log = LoggerFactory.getLogger("batch-size");

  private final BatchSizeAdvisor advisor;
  private final HistoryStore history;
  private final AtomicReference<AdvisorState> state;

  public BatchSizes(BatchSizeAdvisor advisor, HistoryStore history) {
    this.advisor = advisor;
    this.history = history;
    this.state = new AtomicReference<>(history.batchRuns());
  }

  /** The advice for a new run; empty when the team lists no batch sizes. */
  public Optional<Advice> recommend(Job job, Optional<TeamConfig> team, Optional<CarbonIntensity> intensity) {
    Optional<JobSpec> spec = spec(job, team);
    if (spec.isEmpty()) {
      return Optional.empty();
    }
    AdvisorState now = state.get();
    return Optional.of(
        intensity.isPresent()
            ? advisor.recommend(now, spec.get(), intensity.get())
            : advisor.recommend(now, spec.get()));
  }

  /**
   * Whether the advisor picks the job's batch size: its team lists batch sizes. The pick then holds
   * for the whole run, since the run is learned at that size when it finishes.
   */
  public boolean governs(Job job, Optional<TeamConfig> team) {
    return spec(job, team).isPresent();
  }

  /** Whether a running job already costs too much against the job's best run. */
  public Optional<StopAdvice> shouldStop(Job job, Optional<TeamConfig> team, Instant now) {
    Optional<JobSpec> spec = spec(job, team);
    OptionalInt size = job.runningBatchSize();
    if (spec.isEmpty() || size.isEmpty() || !spec.get().allowedSizes().contains(size.getAsInt())) {
      return Optional.empty();
    }
    RunProgress progress =
        new RunProgress(size.getAsInt(), job.energy(), Duration.between(job.registeredAt(), now),
            Emissions.ofGrams(job.emissionsGrams()));
    return Optional.of(advisor.shouldStop(state.get(), spec.get(), progress));
  }

  /** Learns from a finished run of a job whose team lists batch sizes. */
  public void finished(Job job, Optional<TeamConfig> team, JobOutcome outcome, Instant now) {
    Optional<JobSpec> spec = spec(job, team);
    OptionalInt size = job.runningBatchSize();
    if (spec.isEmpty() || size.isEmpty() || !spec.get().allowedSizes().contains(size.getAsInt())) {
      return;
    }
    RunOutcome run =
        new RunOutcome(size.getAsInt(), job.energy(), Duration.between(job.registeredAt(), now),
            Emissions.ofGrams(job.energy().millijoules() == 0 ? 0 : job.emissionsGrams()),
            outcome.reachedTarget(), outcome.epochs());
    JobKey key = spec.get().key();
    state.updateAndGet(s -> s.withOutcome(key, run));
    history.recordBatchRun(key, run, now);
    log.atInfo()
        .addKeyValue("team", key.team())
        .addKeyValue("job", key.job())
        .addKeyValue("batch_size", run.batchSize())
        .addKeyValue("energy_kwh", run.energy().kilowattHours())
        .addKeyValue("emissions_g", run.emissions().grams())
        .addKeyValue("reached_target", run.reachedTarget())
        .log("run recorded for the batch-size advisor");
  }

  private static Optional<JobSpec> spec(Job job, Optional<TeamConfig> team) {
    if (team.isEmpty() || team.get().batchSizes().isEmpty()) {
      return Optional.empty();
    }
    TeamConfig t = team.get();
    // A job's own size counts as the default only when the team allows it.
    OptionalInt own =
        job.batchSize().isPresent() && t.batchSizes().contains(job.batchSize().getAsInt())
            ? job.batchSize()
            : OptionalInt.empty();
    return Optional.of(
        JobSpec.of(new JobKey(t.name(), job.name()), t.batchSizes(), own,
            TimeWeight.gramsPerSecond(t.timeWeightGramsPerHour() / 3600.0)));
  }
}
