package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a policy may look at for one tick. Time is passed in: policies never read a clock.
 *
 * @param now the tick's instant
 * @param signal the current slot's signal, empty when no source has a fresh one
 * @param forecast future slots in time order, possibly empty
 * @param gpus the GPUs this decision covers
 * @param history past slots in time order (the most recent last), possibly empty; policies that
 *     forecast from history read it when {@code forecast} falls short. Copied, unless it is a
 *     {@link SignalHistory} (immutable already): a year of slots per tick is worth not copying
 * @param job the progress of the job these GPUs run, when it is known
 */
public record PolicyInput(
    Instant now,
    Optional<CarbonSignal> signal,
    List<CarbonSignal> forecast,
    List<GpuState> gpus,
    List<CarbonSignal> history,
    Optional<JobProgress> job) {

  public PolicyInput {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(signal, "signal");
    forecast = List.copyOf(forecast);
    gpus = List.copyOf(gpus);
    history = history instanceof SignalHistory shared ? shared : List.copyOf(history);
    Objects.requireNonNull(job, "job");
  }

  /** An input without history and without a known job. */
  public PolicyInput(
      Instant now, Optional<CarbonSignal> signal, List<CarbonSignal> forecast, List<GpuState> gpus) {
    this(now, signal, forecast, gpus, List.of(), Optional.empty());
  }

  /** This input with the past slots a history forecaster may read. */
  public PolicyInput withHistory(List<CarbonSignal> past) {
    return new PolicyInput(now, signal, forecast, gpus, past, job);
  }

  /** This input for GPUs that run a job with this progress. */
  public PolicyInput withJob(JobProgress progress) {
    return new PolicyInput(now, signal, forecast, gpus, history, Optional.of(progress));
  }
}
