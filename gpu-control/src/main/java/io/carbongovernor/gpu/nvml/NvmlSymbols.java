package io.carbongovernor.gpu.nvml;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which NVML functions the loaded library exports, probed once at load: jnr-ffi binds lazily and
 * would only fail at a missing symbol's first call.
 */
record NvmlSymbols(Set<String> present) {

  /** Without these the daemon cannot enumerate or control a GPU. */
  static final List<String> REQUIRED = List.of(
      "nvmlInit_v2",
      "nvmlShutdown",
      "nvmlErrorString",
      "nvmlDeviceGetCount_v2",
      "nvmlDeviceGetHandleByIndex_v2",
      "nvmlDeviceGetHandleByUUID",
      "nvmlDeviceGetName",
      "nvmlDeviceGetUUID",
      "nvmlDeviceGetPowerUsage",
      "nvmlDeviceGetPowerManagementLimit",
      "nvmlDeviceGetPowerManagementLimitConstraints",
      "nvmlDeviceSetPowerManagementLimit");

  /** Used where present; each has a fallback. */
  static final List<String> OPTIONAL = List.of(
      "nvmlSystemGetDriverVersion",
      "nvmlDeviceGetTotalEnergyConsumption",
      "nvmlDeviceGetPowerManagementDefaultLimit",
      "nvmlDeviceGetEnforcedPowerLimit",
      "nvmlDeviceGetUtilizationRates",
      "nvmlDeviceGetClockInfo",
      "nvmlDeviceGetMigMode",
      "nvmlDeviceGetComputeRunningProcesses",
      "nvmlDeviceGetComputeRunningProcesses_v2",
      "nvmlDeviceGetComputeRunningProcesses_v3");

  NvmlSymbols {
    present = Set.copyOf(present);
  }

  /** Looks every known symbol up in the library jnr-ffi already loaded under {@code library}. */
  static NvmlSymbols probe(String library) {
    com.kenai.jffi.Library lib = com.kenai.jffi.Library.getCachedInstance(
        library, com.kenai.jffi.Library.LAZY | com.kenai.jffi.Library.GLOBAL);
    if (lib == null) {
      throw NvmlReturn.LIBRARY_NOT_FOUND.exception(
          "cannot look up symbols in " + library + ": " + com.kenai.jffi.Library.getLastError());
    }
    Set<String> found = new TreeSet<>();
    List<String> all = new ArrayList<>(REQUIRED);
    all.addAll(OPTIONAL);
    for (String name : all) {
      if (lib.getSymbolAddress(name) != 0) {
        found.add(name);
      }
    }
    return new NvmlSymbols(found);
  }

  boolean has(String name) {
    return present.contains(name);
  }

  /** The required functions this library lacks. */
  List<String> missingRequired() {
    return REQUIRED.stream().filter(n -> !present.contains(n)).toList();
  }

  /** The optional functions this library lacks, for one log line. */
  List<String> missingOptional() {
    return OPTIONAL.stream().filter(n -> !present.contains(n)).toList();
  }

  /** The newest process-list function there is, or empty. */
  java.util.Optional<String> processFunction() {
    for (String n : List.of("nvmlDeviceGetComputeRunningProcesses_v3",
        "nvmlDeviceGetComputeRunningProcesses_v2", "nvmlDeviceGetComputeRunningProcesses")) {
      if (has(n)) {
        return java.util.Optional.of(n);
      }
    }
    return java.util.Optional.empty();
  }
}
