package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.gpu.DeclaredProcesses;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.NvmlGpus;
import io.carbongovernor.gpu.NvmlReturn;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;

/** Builds the GPU backend a config names; used by {@code run}, {@code gpus} and {@code restore}. */
public final class GpuBackendFactory {

  private GpuBackendFactory() {}

  /** @throws StartupException when the backend cannot be started; the message says what to do */
  public static GpuControl create(GovernorConfig config, Clock clock) {
    GpuConfig gpu = config.gpu();
    return switch (gpu.backend()) {
      case SIMULATED -> simulated(gpu.simulated(), clock);
      case NVML -> nvml(library(gpu.nvmlLibrary(), config.sourceFile()), clock);
    };
  }

  /** A path with a slash is relative to the config file; a bare name goes to the dynamic loader. */
  static String library(String configured, Path configFile) {
    if (!configured.contains("/")) {
      return configured;
    }
    Path p = Path.of(configured);
    Path dir = configFile.toAbsolutePath().getParent();
    return (p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize()).toString();
  }

  private static GpuControl nvml(String library, Clock clock) {
    try {
      return NvmlGpus.builder().library(library).clock(clock).open();
    } catch (GpuException e) {
      if (NvmlReturn.LIBRARY_NOT_FOUND.is(e) || NvmlReturn.FUNCTION_NOT_FOUND.is(e)) {
        throw new StartupException("cannot use NVML (gpu.nvml-library: " + library + "): " + e.getMessage()
            + ". Backend nvml needs the NVIDIA driver's libnvidia-ml.so.1. To run without NVIDIA GPUs, set "
            + "`backend: simulated` under `gpu:`; to watch decisions on real GPUs without changing any limit, "
            + "set `mode: shadow`.", e);
      }
      throw new StartupException("cannot initialise NVML (" + library + "): " + e.getMessage(), e);
    }
  }

  private static GpuControl simulated(GpuConfig.Simulated config, Clock clock) {
    String family = config.model().word();
    PowerProfile workload;
    try {
      workload = ZeusProfiles.bundled(family).profile(config.workload(), config.batchSize());
    } catch (IllegalArgumentException e) {
      throw new StartupException("gpu.simulated: " + e.getMessage(), e);
    }
    DeclaredProcesses declared;
    try {
      declared = config.realProcesses() ? DeclaredProcesses.system() : DeclaredProcesses.none();
    } catch (UncheckedIOException e) {
      throw new StartupException("gpu.simulated.real-processes: " + e.getMessage(), e);
    }
    return SimulatedGpus.builder()
        .model(family)
        .count(config.count())
        .workload(workload)
        .clock(clock)
        .work(config.work())
        .declaredProcesses(declared)
        .build();
  }
}
