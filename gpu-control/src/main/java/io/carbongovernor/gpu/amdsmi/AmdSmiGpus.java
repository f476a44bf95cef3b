package io.carbongovernor.gpu.amdsmi;

import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.BackendBuilder;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;

/**
 * Opens AMD GPUs through AMD SMI: {@code AmdSmiGpus.open("libamd_smi.so")}. The library is loaded
 * by the dynamic loader's rules (an absolute path, or a name found through {@code
 * LD_LIBRARY_PATH} and {@code ld.so.cache}); ROCm installs it as /opt/rocm/lib/libamd_smi.so, which
 * is tried when the bare default name is not found.
 */
public final class AmdSmiGpus {

  /** AMD SMI, by the name ROCm 6 installs it under. */
  public static final String DEFAULT_LIBRARY = "libamd_smi.so";

  /** Where ROCm puts its libraries when they are not in the loader's cache. */
  static final String ROCM_LIBRARY = "/opt/rocm/lib/libamd_smi.so";

  /** Where ROCm and the distributions put libraries, for the ROCm SMI hint. */
  static final List<String> LIBRARY_DIRS = List.of(
      "/opt/rocm/lib", "/opt/rocm/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib");

  /** Without these the daemon cannot enumerate or control a GPU. */
  static final List<String> REQUIRED = List.of(
      "amdsmi_init",
      "amdsmi_shut_down",
      "amdsmi_status_code_to_string",
      "amdsmi_get_socket_handles",
      "amdsmi_get_processor_handles",
      "amdsmi_get_processor_type",
      "amdsmi_get_gpu_device_uuid",
      "amdsmi_get_gpu_asic_info",
      "amdsmi_get_gpu_driver_info",
      "amdsmi_get_gpu_compute_partition",
      "amdsmi_get_power_cap_info",
      "amdsmi_set_power_cap",
      "amdsmi_get_power_info",
      "amdsmi_get_energy_count",
      "amdsmi_get_gpu_activity",
      "amdsmi_get_clock_info",
      "amdsmi_get_gpu_process_list");

  private AmdSmiGpus() {}

  public static GpuControl open(String library) {
    return builder().library(library).open();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options; defaults: {@link #DEFAULT_LIBRARY}, system clock, retries after 5 s up to 5 min. */
  public static final class Builder extends BackendBuilder<Builder> {

    private Builder() {
      super("AMD SMI", DEFAULT_LIBRARY);
    }

    /**
     * Loads AMD SMI, initialises it for AMD GPUs and enumerates them.
     *
     * @throws GpuException {@link GpuFault#LIBRARY_NOT_FOUND} when the library cannot be loaded (the
     *     message says when ROCm SMI is there instead), {@link GpuFault#LIBRARY_UNUSABLE} when it
     *     lacks a required function, else the status {@code amdsmi_init} returned
     */
    public GpuControl open() {
      String loaded = library;
      AmdSmiLibrary smi;
      try {
        smi = load(library);
      } catch (UnsatisfiedLinkError | RuntimeException e) {
        if (!library.equals(DEFAULT_LIBRARY) || !Files.isRegularFile(Path.of(ROCM_LIBRARY))) {
          throw notFound(library, e);
        }
        try {
          smi = load(ROCM_LIBRARY);
          loaded = ROCM_LIBRARY;
        } catch (UnsatisfiedLinkError | RuntimeException again) {
          throw notFound(ROCM_LIBRARY, again);
        }
      }
      List<String> missing = missing(loaded);
      if (!missing.isEmpty()) {
        throw new GpuException(GpuFault.LIBRARY_UNUSABLE, AmdSmiStatus.FAIL_LOAD_SYMBOL.codeName(),
            loaded + " lacks " + String.join(", ", missing) + "; it is not a usable AMD SMI (ROCm 6 or newer)");
      }
      return AmdSmiBackend.open(smi, loaded, clock, firstRetry, maxRetry);
    }
  }

  private static AmdSmiLibrary load(String library) {
    return LibraryLoader.create(AmdSmiLibrary.class)
        .option(LibraryOption.IgnoreError, true) // AMD SMI reports through status codes, not errno
        .failImmediately()
        .load(library);
  }

  private static GpuException notFound(String library, Throwable e) {
    String hint = rocmSmiHint(library).map(h -> "; " + h).orElse("");
    return new GpuException(GpuFault.LIBRARY_NOT_FOUND, AmdSmiStatus.FAIL_LOAD_MODULE.codeName(),
        "cannot load AMD SMI library " + library + ": " + e.getMessage() + hint, e);
  }

  /** The required functions the library loaded under {@code library} lacks. */
  private static List<String> missing(String library) {
    com.kenai.jffi.Library lib = com.kenai.jffi.Library.getCachedInstance(
        library, com.kenai.jffi.Library.LAZY | com.kenai.jffi.Library.GLOBAL);
    if (lib == null) {
      return REQUIRED;
    }
    List<String> missing = new ArrayList<>();
    for (String name : REQUIRED) {
      if (lib.getSymbolAddress(name) == 0) {
        missing.add(name);
      }
    }
    return missing;
  }

  /**
   * Says so when ROCm SMI (librocm_smi64.so), AMD's older library, which this backend does not use,
   * is installed where AMD SMI ({@code library}) is not. Looks beside {@code library} when that is
   * a path, in {@code LD_LIBRARY_PATH} and where ROCm and the distributions put libraries; only
   * looks at file names, loads nothing.
   */
  static Optional<String> rocmSmiHint(String library) {
    List<Path> dirs = new ArrayList<>();
    Path configured = Path.of(library).toAbsolutePath().getParent();
    if (library.contains("/") && configured != null) {
      dirs.add(configured);
    }
    String path = System.getenv("LD_LIBRARY_PATH");
    if (path != null) {
      for (String dir : path.split(":")) {
        if (!dir.isBlank()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    LIBRARY_DIRS.forEach(d -> dirs.add(Path.of(d)));
    for (Path dir : dirs) {
      try (var files = Files.list(dir)) {
        Optional<Path> found = files.filter(f -> f.getFileName().toString().startsWith("librocm_smi64.so")).sorted().findFirst();
        if (found.isPresent()) {
          return Optional.of("ROCm SMI (" + found.get() + ") is installed, but the amdsmi backend needs AMD SMI"
              + " (libamd_smi.so, ROCm 6 or newer), which is not: install the amd-smi-lib package of ROCm 6 or newer,"
              + " or point gpu.amdsmi-library at its libamd_smi.so");
        }
      } catch (java.io.IOException | RuntimeException e) {
        // No such directory, or not readable: look on.
      }
    }
    return Optional.empty();
  }
}
