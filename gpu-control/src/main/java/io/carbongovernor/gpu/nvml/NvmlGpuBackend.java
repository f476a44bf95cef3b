package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.GpuBackend;
import io.carbongovernor.gpu.GpuControl;

/** NVIDIA GPUs through NVML ({@code gpu.backend: nvml}); registered as a {@link GpuBackend}. */
public final class NvmlGpuBackend implements GpuBackend {

  @Override
  public String name() {
    return "nvml";
  }

  @Override
  public String vendor() {
    return "NVIDIA";
  }

  @Override
  public String defaultLibrary() {
    return NvmlGpus.DEFAULT_LIBRARY;
  }

  @Override
  public String libraryLabel() {
    return "NVML";
  }

  @Override
  public String software() {
    return "NVIDIA driver";
  }

  @Override
  public GpuControl open(Options options) {
    return NvmlGpus.builder().library(options.library()).clock(options.clock()).open();
  }
}
