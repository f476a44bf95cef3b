package io.carbongovernor.daemon.jobs;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a job reports as it trains: work done so far (samples or iterations, monotonic), its epoch,
 * and optionally a metric such as validation loss.
 */
public record ProgressReport(long workDone, int epoch, Optional<String> metricName, OptionalDouble metricValue) {
  public ProgressReport {
    if (workDone < 0) {
      throw JobException.badRequest("work done cannot be negative");
    }
    if (epoch < 0) {
      throw JobException.badRequest("epoch cannot be negative");
    }
  }
}
