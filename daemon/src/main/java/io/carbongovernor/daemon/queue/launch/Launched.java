package io.carbongovernor.daemon.queue.launch;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * A started job.
 *
 * @param pid the job's main process (the command itself, after the launcher exec'd it); empty
 *     where it could not be learned (a command that ended at once)
 * @param unit the transient systemd unit, under systemd
 * @param exit completes with the command's exit status where this daemon is its parent (the
 *     privilege-dropping launcher); empty under systemd, and after a restart, where the queue
 *     learns the end from the pid instead
 */
public record Launched(OptionalLong pid, Optional<String> unit, Optional<CompletableFuture<Integer>> exit) {}
