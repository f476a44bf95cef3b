package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a policy may look at for one tick. Time is passed in: policies never read a clock.
 *
 * @param now the tick's instant
 * @param signal the current slot's signal, empty when no source has a fresh one
 * @param forecast future slots in time order, possibly empty
 * @param gpus the GPUs this decision covers
 */
public record PolicyInput(
    Instant now, Optional<CarbonSignal> signal, List<CarbonSignal> forecast, List<GpuState> gpus) {

  public PolicyInput {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(signal, "signal");
    forecast = List.copyOf(forecast);
    gpus = List.copyOf(gpus);
  }
}
