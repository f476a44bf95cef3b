package io.carbongovernor.daemon.queue.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One job's start: who it runs as, what, where, and with which environment.
 *
 * @param jobId the queue's id, unique on the node; names the marker and the unit
 * @param name the job's name as submitted (for the unit's description)
 * @param uid the submitter's uid, taken from the kernel when the job was submitted; the command
 *     runs with this uid, its primary group and its supplementary groups, and nothing else
 * @param command the program and its arguments, run without a shell
 * @param workdir the directory the command starts in, entered as the submitter
 * @param log where the command's standard output and error go, opened as the submitter; empty:
 *     the unit's journal under systemd, else {@code workdir/carbon-governor-<jobId>.log}
 * @param environment the whole environment of the command (nothing of the daemon's is passed on),
 *     CUDA_VISIBLE_DEVICES included
 */
public record LaunchSpec(
    String jobId,
    String name,
    long uid,
    List<String> command,
    Path workdir,
    Optional<Path> log,
    Map<String, String> environment) {

  public LaunchSpec {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command is empty");
    }
    Objects.requireNonNull(workdir, "workdir");
    Objects.requireNonNull(log, "log");
    environment = Map.copyOf(environment);
  }
}
