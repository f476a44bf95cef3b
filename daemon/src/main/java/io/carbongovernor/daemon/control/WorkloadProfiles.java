package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The workload profile each GPU's decisions assume. Simulated GPUs follow the configured {@code
 * gpu.simulated} workload exactly; a real GPU gets the built-in default of its family (the Zeus
 * ImageNet ResNet-50 measurements at batch size 256, Chase's workload), and none when its family
 * has no bundled measurements.
 */
final class WorkloadProfiles {

  static final String DEFAULT_WORKLOAD = "imagenet/resnet50";
  static final int DEFAULT_BATCH_SIZE = 256;

  private WorkloadProfiles() {}

  /** @throws StartupException when the configured simulated workload has no profile */
  static Function<Gpu, Optional<PowerProfile>> forConfig(GpuConfig config) {
    if (config.backend() == GpuConfig.Backend.SIMULATED) {
      GpuConfig.Simulated sim = config.simulated();
      try {
        Optional<PowerProfile> profile =
            Optional.of(ZeusProfiles.bundled(sim.model().word()).profile(sim.workload(), sim.batchSize()));
        return gpu -> profile;
      } catch (IllegalArgumentException e) {
        throw new StartupException("gpu.simulated: " + e.getMessage(), e);
      }
    }
    return WorkloadProfiles::familyDefault;
  }

  /** The bundled default for a GPU whose name names a bundled family ({@code NVIDIA A40}). */
  static Optional<PowerProfile> familyDefault(Gpu gpu) {
    String name = gpu.name().toLowerCase(Locale.ROOT);
    for (String family : ZeusProfiles.bundledFamilies()) {
      if (name.contains(family)) {
        return Optional.of(ZeusProfiles.bundled(family).profile(DEFAULT_WORKLOAD, DEFAULT_BATCH_SIZE));
      }
    }
    return Optional.empty();
  }
}
