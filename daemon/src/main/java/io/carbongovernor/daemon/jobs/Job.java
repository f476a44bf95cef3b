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
 * @param team the owner's team; empty when the owner is in none (the default policy applies)
 * @param batchSize the batch size the job would use on its own
 * @param advisedBatchSize the batch size advised at registration, which a job that does not
 *     accept changes keeps for its whole run
 * @param lastReport the last progress report and when, and the limit in force then
 * @param energy the GPU energy attributed to the job so far (by the sampler)
 * @param emissionsGrams the emissions of that energy, where the intensity was known
 */
public record Job(
    String id,
    String name,
    long pid,
    UnixUser owner,
    Optional<String> team,
    List<Gpu> gpus,
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
    gpus = List.copyOf(gpus);
    Objects.requireNonNull(batchSize, "batchSize");
    Objects.requireNonNull(advisedBatchSize, "advisedBatchSize");
    Objects.requireNonNull(registeredAt, "registeredAt");
    Objects.requireNonNull(lastReport, "lastReport");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(energy, "energy");
  }

  Job withReport(Reported reported, MeasuredProfile newProfile) {
    return new Job(
        id, name, pid, owner, team, gpus, batchSize, acceptsBatchSizeChanges, advisedBatchSize,
        registeredAt, Optional.of(reported), newProfile, energy, emissionsGrams);
  }

  Job withAdvisedBatchSize(OptionalInt advised) {
    return new Job(
        id, name, pid, owner, team, gpus, batchSize, acceptsBatchSizeChanges, advised,
        registeredAt, lastReport, profile, energy, emissionsGrams);
  }

  Job plusUsage(Energy used, double grams) {
    return new Job(
        id, name, pid, owner, team, gpus, batchSize, acceptsBatchSizeChanges, advisedBatchSize,
        registeredAt, lastReport, profile, energy.plus(used), emissionsGrams + grams);
  }

  /** The batch size this run trains at, as far as the daemon knows. */
  public OptionalInt runningBatchSize() {
    return advisedBatchSize.isPresent() ? advisedBatchSize : batchSize;
  }
}
