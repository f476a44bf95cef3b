package io.carbongovernor.gpu.amdsmi;

import io.carbongovernor.gpu.GpuBackend;
import io.carbongovernor.gpu.GpuControl;
import java.util.Optional;

/** AMD GPUs through AMD SMI ({@code gpu.backend: amdsmi}); registered as a {@link GpuBackend}. */
public final class AmdSmiGpuBackend implements GpuBackend {

  @Override
  public String name() {
    return "amdsmi";
  }

  @Override
  public String vendor() {
    return "AMD";
  }

  @Override
  public String defaultLibrary() {
    return AmdSmiGpus.DEFAULT_LIBRARY;
  }

  @Override
  public String libraryLabel() {
    return "AMD SMI";
  }

  @Override
  public String software() {
    return "ROCm AMD SMI library (amd-smi-lib, ROCm 6 or newer)";
  }

  @Override
  public Optional<String> missingLibraryHint(String library) {
    return AmdSmiGpus.rocmSmiHint(library);
  }

  @Override
  public GpuControl open(Options options) {
    return AmdSmiGpus.builder().library(options.library()).clock(options.clock()).open();
  }
}
