package io.carbongovernor.daemon.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A submitted job as the queue holds it (and as its table stores it).
 *
 * @param id the queue's id ({@code q-} and 16 hex digits), unique on the node
 * @param uid the submitter's uid, from the kernel; the job runs as this uid and no other
 * @param user the submitter's name at submission
 * @param team the team it was submitted as
 * @param submittedAt when the daemon accepted it
 * @param deadline when it must be done
 * @param expected how long it runs at full speed, and whether that was given or learned
 * @param latestStart the latest feasible start (deadline minus the expected run at the policy's
 *     slowdown, minus the margin, and no later than the maximum deferral allows)
 * @param plannedStart the start the last plan chose; empty before the first plan
 * @param planBasis what the last plan rested on (forecast, history, none, latest-start)
 * @param expectedChangePercent the expected intensity at the planned start against starting now
 * @param startedAt when the launcher was called (recorded before it ran)
 * @param gpusGiven the UUIDs in CUDA_VISIBLE_DEVICES, fixed at start
 * @param pid the started command's pid
 * @param unit the systemd unit it runs in
 * @param registeredJob the job API's id it was registered under
 * @param endedAt when it finished, failed or was cancelled
 * @param exitCode its exit status, where known
 * @param reason why it failed or was cancelled, or how it ended
 */
public record QueuedJob(
    String id,
    String name,
    long uid,
    String user,
    Optional<String> team,
    QueueState state,
    Instant submittedAt,
    Instant deadline,
    Duration expected,
    boolean expectedLearned,
    Instant latestStart,
    GpuRequest gpus,
    Path workdir,
    Optional<Path> log,
    List<String> command,
    Map<String, String> environment,
    Optional<Instant> plannedStart,
    Optional<String> planBasis,
    OptionalDouble expectedChangePercent,
    Optional<Instant> startedAt,
    List<String> gpusGiven,
    OptionalLong pid,
    Optional<String> unit,
    Optional<String> registeredJob,
    Optional<Instant> endedAt,
    OptionalInt exitCode,
    Optional<String> reason) {

  public QueuedJob {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(submittedAt, "submittedAt");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(latestStart, "latestStart");
    Objects.requireNonNull(gpus, "gpus");
    Objects.requireNonNull(workdir, "workdir");
    Objects.requireNonNull(log, "log");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
    Objects.requireNonNull(plannedStart, "plannedStart");
    Objects.requireNonNull(planBasis, "planBasis");
    Objects.requireNonNull(expectedChangePercent, "expectedChangePercent");
    Objects.requireNonNull(startedAt, "startedAt");
    gpusGiven = List.copyOf(gpusGiven);
    Objects.requireNonNull(pid, "pid");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(registeredJob, "registeredJob");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(reason, "reason");
  }
}
