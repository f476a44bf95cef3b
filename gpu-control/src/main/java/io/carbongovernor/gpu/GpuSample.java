package io.carbongovernor.gpu;

import java.util.Objects;
import java.util.Optional;

/**
 * One reading of a GPU's counters.
 *
 * @param power instantaneous board power
 * @param energy total energy since the driver loaded; empty where the GPU has no counter
 * @param limit the power limit the daemon (or anyone) set
 * @param enforcedLimit the limit the GPU actually enforces (lower when another cap applies)
 * @param smClockMhz streaming-multiprocessor clock
 * @param utilisationPercent GPU utilisation over the driver's last sample period, 0-100
 */
public record GpuSample(
    Power power,
    Optional<Energy> energy,
    Power limit,
    Power enforcedLimit,
    int smClockMhz,
    int utilisationPercent) {

  public GpuSample {
    Objects.requireNonNull(power, "power");
    Objects.requireNonNull(energy, "energy");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(enforcedLimit, "enforcedLimit");
    if (utilisationPercent < 0 || utilisationPercent > 100) {
      throw new IllegalArgumentException("utilisation must be 0-100, got " + utilisationPercent);
    }
  }
}
