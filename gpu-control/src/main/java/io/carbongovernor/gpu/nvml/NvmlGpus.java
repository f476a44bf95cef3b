package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.BackendBuilder;
import io.carbongovernor.gpu.GpuException;

/**
 * Opens GPUs through NVML: {@code NvmlGpus.open("libnvidia-ml.so.1")}. The library is loaded by
 * the dynamic loader's rules (an absolute path, or a name found through {@code LD_LIBRARY_PATH}
 * and {@code ld.so.cache}); load the SONAME {@code libnvidia-ml.so.1}, never the unversioned
 * {@code libnvidia-ml.so}, which may be the CUDA toolkit's stub.
 */
public final class NvmlGpus {

  /** The driver's NVML, by SONAME. */
  public static final String DEFAULT_LIBRARY = "libnvidia-ml.so.1";

  private NvmlGpus() {}

  /**
   * Loads NVML, initialises it and enumerates the GPUs.
   *
   * @throws GpuException {@code NVML_ERROR_LIBRARY_NOT_FOUND} when the library cannot be loaded,
   *     {@code NVML_ERROR_FUNCTION_NOT_FOUND} when it lacks a required function, else the code
   *     {@code nvmlInit_v2} returned
   */
  public static NvmlGpuControl open(String library) {
    return builder().library(library).open();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; defaults: {@link #DEFAULT_LIBRARY}, system clock, retries after 5 s up to 5 min. */
  public static final class Builder extends BackendBuilder<Builder> {

    private Builder() {
      super("NVML", DEFAULT_LIBRARY);
    }

    public NvmlGpuControl open() {
      return NvmlBackend.open(library, clock, firstRetry, maxRetry);
    }
  }
}
