package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.time.Clock;

/** Builds the GPU backend a config names. */
final class GpuBackendFactory {

  private GpuBackendFactory() {}

  /** @throws StartupException when the backend cannot be started */
  static GpuControl create(GpuConfig config, Clock clock) {
    return switch (config.backend()) {
      case SIMULATED -> simulated(config.simulated(), clock);
      case NVML ->
          throw new StartupException(
              "gpu backend nvml has no binding in this build; use backend: simulated");
    };
  }

  private static GpuControl simulated(GpuConfig.Simulated config, Clock clock) {
    String family = config.model().word();
    PowerProfile workload;
    try {
      workload = ZeusProfiles.bundled(family).profile(config.workload(), config.batchSize());
    } catch (IllegalArgumentException e) {
      throw new StartupException("gpu.simulated: " + e.getMessage(), e);
    }
    return SimulatedGpus.create(family, config.count(), workload, clock);
  }
}
