package io.carbongovernor.policy.batch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What the advisor needs to know about a recurring job.
 *
 * @param key team and job name
 * @param allowedSizes the team's allowed batch sizes, ascending, distinct, positive, not empty
 * @param defaultSize where exploration starts (Zeus's {@code b0}); one of {@code allowedSizes}
 * @param timeWeight the team's price of time
 */
public record JobSpec(JobKey key, List<Integer> allowedSizes, int defaultSize, TimeWeight timeWeight) {

  public JobSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(allowedSizes, "allowedSizes");
    Objects.requireNonNull(timeWeight, "timeWeight");
    allowedSizes = checkedSizes(key, allowedSizes);
    if (!allowedSizes.contains(defaultSize)) {
      throw new IllegalArgumentException(
          "default batch size " + defaultSize + " of " + key + " is not one of its allowed sizes " + allowedSizes);
    }
  }

  /**
   * A job whose default is its own where it has one, else the middle of the allowed sizes (the
   * lower of the two middle ones for an even count). The sizes may come in any order; they are
   * sorted.
   *
   * @throws IllegalArgumentException when the sizes are empty, not positive, repeated, or the
   *     default is not among them
   */
  public static JobSpec of(JobKey key, List<Integer> allowedSizes, OptionalInt defaultSize, TimeWeight timeWeight) {
    Objects.requireNonNull(key, "key");
    List<Integer> sorted = checkedSizes(key, allowedSizes);
    int chosen = defaultSize.orElse(sorted.get((sorted.size() - 1) / 2));
    return new JobSpec(key, sorted, chosen, timeWeight);
  }

  /** Whether runs at {@code batchSize} are something this job may do. */
  public boolean allows(int batchSize) {
    return allowedSizes.contains(batchSize);
  }

  /** Throws when {@code batchSize} is not one of the allowed sizes. */
  void requireAllowed(int batchSize) {
    if (!allows(batchSize)) {
      throw new IllegalArgumentException(
          "batch size " + batchSize + " is not one of the allowed sizes " + allowedSizes + " of " + key);
    }
  }

  private static List<Integer> checkedSizes(JobKey key, List<Integer> sizes) {
    Objects.requireNonNull(sizes, "allowedSizes");
    if (sizes.isEmpty()) {
      throw new IllegalArgumentException(key + " has no allowed batch sizes: the team must list at least one");
    }
    Set<Integer> seen = new HashSet<>();
    List<Integer> sorted = new ArrayList<>(sizes.size());
    for (Integer size : sizes) {
      if (size == null || size <= 0) {
        throw new IllegalArgumentException("allowed batch sizes of " + key + " must be positive, got " + sizes);
      }
      if (!seen.add(size)) {
        throw new IllegalArgumentException("batch size " + size + " is listed twice in the allowed sizes of " + key + ": " + sizes);
      }
      sorted.add(size);
    }
    sorted.sort(null);
    return List.copyOf(sorted);
  }
}
