package io.carbongovernor.daemon.queue.launch;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * A started job.
 *
 * @param pid the job's main process (the command itself, after the launcher exec'd it); empty
 *     where it could not be learned (a command that ended at once)
 * @param unit the transient systemd unit, under systemd
 */
public record Launched(OptionalLong pid, Optional<String> unit) {}
