package io.carbongovernor.daemon.queue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code submit} sends. The submitter is not here: it is the caller's uid as the kernel
 * reported it.
 *
 * @param name the job's name (as for job registration); earlier runs of the same name in the same
 *     team give {@code expected} when it is not given
 * @param team the team to submit as; empty: the submitter's team
 * @param deadline when the job must be done; empty: the team's default deferral applies
 * @param expected how long the job runs at full speed; empty: from earlier runs
 * @param gpus the GPUs it gets
 * @param workdir where it starts (absolute)
 * @param log where its output goes (absolute); empty: the launcher's default
 * @param command program and arguments, run without a shell
 * @param environment variables the job gets besides those the daemon sets (HOME, USER, LOGNAME,
 *     SHELL, CUDA_VISIBLE_DEVICES, CARBON_GOVERNOR_JOB_ID)
 */
public record SubmitRequest(
    String name,
    Optional<String> team,
    Optional<Instant> deadline,
    Optional<Duration> expected,
    GpuRequest gpus,
    Path workdir,
    Optional<Path> log,
    List<String> command,
    Map<String, String> environment) {

  public SubmitRequest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(gpus, "gpus");
    Objects.requireNonNull(workdir, "workdir");
    Objects.requireNonNull(log, "log");
    command = List.copyOf(command);
    environment = Map.copyOf(environment);
  }
}
