package io.carbongovernor.policy;

import java.time.Instant;
import java.util.Objects;

/**
 * How far one job has come, in epochs of its profile: a job of {@code totalEpochs} that started
 * at {@code start} and has done {@code doneEpochs}. A budgeted policy derives the job's deadline
 * from its full-speed time and the budget, and what is left to do from this.
 */
public record JobProgress(Instant start, double totalEpochs, double doneEpochs) {
  public JobProgress {
    Objects.requireNonNull(start, "start");
    if (!(totalEpochs > 0) || Double.isInfinite(totalEpochs)) {
      throw new IllegalArgumentException("a job needs a positive, finite amount of work, got " + totalEpochs);
    }
    if (!(doneEpochs >= 0) || doneEpochs > totalEpochs) {
      throw new IllegalArgumentException(
          "work done must be within [0, " + totalEpochs + "] epochs, got " + doneEpochs);
    }
  }

  public double remainingEpochs() {
    return totalEpochs - doneEpochs;
  }
}
