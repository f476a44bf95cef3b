package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.gpu.GpuBackend;
import io.carbongovernor.gpu.GpuBackends;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import java.util.Optional;

/**
 * One line for a GPU backend that cannot start. The dynamic loader's own message runs over many
 * lines (every directory it searched); what a user needs is which library, why, and what to do.
 */
final class GpuBackendProblem {

  private GpuBackendProblem() {}

  /** What went wrong and what to do, on one line. */
  static String describe(RuntimeException e, GovernorConfig config) {
    Optional<GpuException> cause = gpuCause(e);
    Optional<GpuBackend> backend = GpuBackends.named(config.gpu().backend().word());
    if (cause.isEmpty() || backend.isEmpty()) {
      return oneLine(e.getMessage());
    }
    GpuBackend b = backend.get();
    GpuException g = cause.get();
    String library = config.gpu().library(b.name()).orElse(b.defaultLibrary());
    String key = "gpu." + b.name() + "-library";
    String where = "'backend: simulated' under 'gpu:' in " + config.sourceFile();
    if (g.is(GpuFault.LIBRARY_NOT_FOUND)) {
      String reason = loaderReason(g, library);
      String also = b.missingLibraryHint(library).map(h -> " " + h + ".").orElse("");
      if (library.contains("/")) {
        return "cannot load " + b.libraryLabel() + " from " + library + " (" + key + "): " + reason
            + ". Point " + key + " at the " + b.software() + "'s " + b.defaultLibrary() + " or leave it out, or, to run"
            + " without " + b.vendor() + " GPUs, set " + where + "." + also;
      }
      return "cannot load " + b.libraryLabel() + " (" + library + "): the " + b.software() + " is not installed, or its"
          + " library is not where the loader looks (" + reason + "). Install the " + b.software() + ", or, to run"
          + " without " + b.vendor() + " GPUs, set " + where + "." + also;
    }
    if (g.is(GpuFault.LIBRARY_UNUSABLE)) {
      return "the " + b.libraryLabel() + " library " + library + " is not a usable " + b.software() + " library ("
          + oneLine(g.getMessage()) + "). Update the " + b.software() + ", or set " + where + ".";
    }
    return oneLine(e.getMessage());
  }

  private static Optional<GpuException> gpuCause(Throwable e) {
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
