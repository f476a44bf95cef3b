package io.carbongovernor.gpu;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * One GPU vendor's way to reach its GPUs: a name for {@code gpu.backend}, the library it loads,
 * and how to open it. A vendor is one package that implements this (and maps its return codes to
 * {@link GpuFault}s) plus one line in {@code META-INF/services/io.carbongovernor.gpu.GpuBackend};
 * {@link GpuBackends} finds it. Nothing else changes: the safety layer only sees the {@link
 * GpuControl} that {@link #open} returns.
 */
public interface GpuBackend {

  /** The config word, e.g. {@code nvml}, {@code amdsmi}. */
  String name();

  /** The vendor, for messages and metric labels, e.g. {@code NVIDIA}, {@code AMD}. */
  String vendor();

  /** The library loaded when the config names none, by SONAME. */
  String defaultLibrary();

  /** What users call the library, for messages: {@code NVML}, {@code AMD SMI}. */
  String libraryLabel();

  /** What to install to get the library, for messages: {@code NVIDIA driver}, ... */
  String software();

  /**
   * What else this machine has when {@code library} cannot be loaded, for the message that says
   * so (e.g. an older library of the same vendor that this backend does not use); empty when
   * nothing.
   */
  default Optional<String> missingLibraryHint(String library) {
    return Optional.empty();
  }

  /**
   * Loads the library, initialises it and enumerates the GPUs.
   *
   * @throws GpuException {@link GpuFault#LIBRARY_NOT_FOUND} when the library cannot be loaded,
   *     {@link GpuFault#LIBRARY_UNUSABLE} when it is not a usable library (the message says why),
   *     else what initialisation met
   */
  GpuControl open(Options options);

  /** What opening a backend needs: the library (a path or a SONAME) and the clock of retries. */
  record Options(String library, Clock clock) {
    public Options {
      Objects.requireNonNull(library, "library");
      Objects.requireNonNull(clock, "clock");
      if (library.isBlank()) {
        throw new IllegalArgumentException("GPU library name is blank");
      }
    }
  }
}
