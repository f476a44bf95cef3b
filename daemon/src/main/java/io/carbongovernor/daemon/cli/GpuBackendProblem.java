package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.NvmlReturn;
import java.util.Optional;

/**
 * One line for a GPU backend that cannot start. The dynamic loader's own message runs over many
 * lines (every directory it searched); what a user needs is which library, why, and what to do.
 */
final class GpuBackendProblem {

  private GpuBackendProblem() {}

  /** What went wrong and what to do, on one line. */
  static String describe(RuntimeException e, GovernorConfig config) {
    Optional<GpuException> nvml = nvmlCause(e);
    String library = config.gpu().nvmlLibrary();
    String where = "'backend: simulated' under 'gpu:' in " + config.sourceFile();
    if (nvml.isPresent() && NvmlReturn.LIBRARY_NOT_FOUND.is(nvml.get())) {
      String reason = loaderReason(nvml.get(), library);
      if (library.contains("/")) {
        return "cannot load NVML from " + library + " (gpu.nvml-library): " + reason
            + ". Point gpu.nvml-library at the NVIDIA driver's libnvidia-ml.so.1 or leave it out, or, to run"
            + " without NVIDIA GPUs, set " + where + ".";
      }
      return "cannot load NVML (" + library + "): the NVIDIA driver is not installed, or its library is not"
          + " where the loader looks (" + reason + "). Install the NVIDIA driver, or, to run without NVIDIA GPUs,"
          + " set " + where + ".";
    }
    if (nvml.isPresent() && NvmlReturn.FUNCTION_NOT_FOUND.is(nvml.get())) {
      return "the NVML library " + library + " is not a usable NVIDIA driver library (" + oneLine(nvml.get().getMessage())
          + "). Update the NVIDIA driver, or set " + where + ".";
    }
    return oneLine(e.getMessage());
  }

  private static Optional<GpuException> nvmlCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof GpuException g) {
        return Optional.of(g);
      }
    }
    return Optional.empty();
  }

  /** The loader's first line, e.g. "cannot open shared object file: No such file or directory". */
  private static String loaderReason(GpuException e, String library) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String first = root.getMessage() == null ? "" : root.getMessage().lines().findFirst().orElse("").strip();
    String name = library.substring(library.lastIndexOf('/') + 1);
    for (String prefix : new String[] {library + ": ", name + ": "}) {
      if (first.startsWith(prefix)) {
        first = first.substring(prefix.length());
      }
    }
    return first.isEmpty() ? "not found" : first;
  }

  private static String oneLine(String message) {
    return message == null ? "" : String.join(" ", message.strip().split("\\s*\\R\\s*"));
  }
}
