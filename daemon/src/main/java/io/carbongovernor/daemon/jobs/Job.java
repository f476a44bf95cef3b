package io.carbongovernor.daemon.jobs;

import io.carbongovernor.daemon.identity.UnixUser;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A registered training job, as of its last report. Immutable: the registry replaces it on each
 * report.
 *
 * @param processStart when the registered process started (clock ticks after boot), which tells it
 *     from a later process that reuses its pid
 * @param team the owner's team; empty when the owner is in none (the default policy applies)
 * @param claims the GPUs the job listed, each with whether its claim counts
 * @param batchSize the batch size the job would use on its own
 * @param advisedBatchSize the batch size the job was last advised: the one advised at
 *     registration, which it keeps for its whole run unless it accepts changes and the advisor did
 *     not pick it, in which case the size its policy last recommended
 * @param lastReport the last progress report and when, and the limit in force then
 * @param energy the GPU energy attributed to the job so far (by the sampler)
 * @param emissionsGrams the emissions of that energy, where the intensity was known
 */
public record Job(
    String id,
    String name,
    long pid,
    long processStart,
    UnixUser owner,
    Optional<String> team,
    List<JobGpu> claims,
    OptionalInt batchSize,
    boolean acceptsBatchSizeChanges,
    OptionalInt advisedBatchSize,
    Instant registeredAt,
    Optional<Reported> lastReport,
    MeasuredProfile profile,
    Energy energy,
    double emissionsGrams) {

  /** A progress report with the time it arrived and the power limit the job ran under. */
  public record Reported(ProgressReport report, Instant at, Optional<Power> limit) {}

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(team, "team");
    claims = List.copyOf(claims);
    Objects.requireNonNull(batchSize, "batchSize");
    Objects.requireNonNull(advisedBatchSize, "advisedBatchSize");
    Objects.requireNonNull(registeredAt, "registeredAt");
    Objects.requireNonNull(lastReport, "lastReport");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(energy, "energy");
  }

  Job withReport(Reported reported, MeasuredProfile newProfile) {
    return new Job(
        id, name, pid, processStart, owner, team, claims, batchSize, acceptsBatchSizeChanges, advisedBatchSize,
        registeredAt, Optional.of(reported), newProfile, energy, emissionsGrams);
  }

  Job withAdvisedBatchSize(OptionalInt advised) {
    return new Job(
        id, name, pid, processStart, owner, team, claims, batchSize, acceptsBatchSizeChanges, advised,
        registeredAt, lastReport, profile, energy, emissionsGrams);
  }

  Job plusUsage(Energy used, double grams) {
    return new Job(
        id, name, pid, processStart, owner, team, claims, batchSize, acceptsBatchSizeChanges, advisedBatchSize,
        registeredAt, lastReport, profile, energy.plus(used), emissionsGrams + grams);
  }

  Job withClaims(List<JobGpu> observed) {
    return new Job(
        id, name, pid, processStart, owner, team, observed, batchSize, acceptsBatchSizeChanges, advisedBatchSize,
        registeredAt, lastReport, profile, energy, emissionsGrams);
  }

  /** Every GPU the job listed, whatever its claim's state. */
  public List<Gpu> gpus() {
    return claims.stream().map(JobGpu::gpu).toList();
  }

  /** Whether the job's work ran on the GPU at the last tick: only then does its claim count. */
  public boolean runsOn(Gpu gpu) {
    return claims.stream().anyMatch(c -> c.gpu().equals(gpu) && c.state() == ClaimState.RUNNING);
  }

  /** Whether the job listed the GPU and its claim there was not dropped. */
  public boolean mayClaim(Gpu gpu) {
    return claims.stream().anyMatch(c -> c.gpu().equals(gpu) && c.state() != ClaimState.DROPPED);
  }

  /** The batch size this run trains at, as far as the daemon knows. */
  public OptionalInt runningBatchSize() {
    return advisedBatchSize.isPresent() ? advisedBatchSize : batchSize;
  }
}
