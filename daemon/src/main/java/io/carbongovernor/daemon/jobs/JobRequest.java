package io.carbongovernor.daemon.jobs;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A registration as a training process sends it.
 *
 * @param name the job's name; runs with the same name in the same team are recurrences
 * @param pid the process to attach the job to (its tree's root)
 * @param gpus GPU indices ({@code "0"}) or UUIDs the job uses
 * @param batchSize the batch size the job would use on its own
 * @param acceptsBatchSizeChanges whether the job takes a new batch size at epoch boundaries
 */
public record JobRequest(
    String name, long pid, List<String> gpus, OptionalInt batchSize, boolean acceptsBatchSizeChanges) {
  public JobRequest {
    Objects.requireNonNull(name, "name");
    gpus = List.copyOf(gpus);
    Objects.requireNonNull(batchSize, "batchSize");
  }
}
