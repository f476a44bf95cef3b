package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.GpuException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

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
  public static final class Builder {
    private String library = DEFAULT_LIBRARY;
    private Clock clock = Clock.systemUTC();
    private Duration firstRetry = Duration.ofSeconds(5);
    private Duration maxRetry = Duration.ofMinutes(5);

    private Builder() {}

    /** A path or a SONAME. */
    public Builder library(String library) {
      Objects.requireNonNull(library, "library");
      if (library.isBlank()) {
        throw new IllegalArgumentException("NVML library name is blank");
      }
      this.library = library;
      return this;
    }

    /** The clock that times re-initialisation attempts of failed GPUs. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A failed GPU is retried after {@code first}, then after twice as long, up to {@code max}. */
    public Builder retryBackoff(Duration first, Duration max) {
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException("need 0 < first <= max, got " + first + ", " + max);
      }
      this.firstRetry = first;
      this.maxRetry = max;
      return this;
    }

    public NvmlGpuControl open() {
      return NvmlBackend.open(library, clock, firstRetry, maxRetry);
    }
  }
}
