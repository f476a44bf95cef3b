package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import java.util.Optional;

/**
 * GPUs through NVML (backend {@code nvml}); created by {@link NvmlGpus}. A GPU that is lost
 * ({@code NVML_ERROR_GPU_IS_LOST}) is marked failed: its calls throw at once until the retry time,
 * when it is re-initialised, with a growing backoff; the other GPUs are unaffected.
 */
public interface NvmlGpuControl extends GpuControl {

  /** The driver version, e.g. {@code 550.54.15}; empty where the library cannot say. */
  @Override
  Optional<String> driverVersion();

  /** The GPU's MIG mode; empty where the GPU or the library has none. */
  Optional<MigMode> migMode(Gpu gpu);

  /** Whether the GPU is marked failed and waits for its next re-initialisation attempt. */
  boolean failed(Gpu gpu);
}
