package io.carbongovernor.daemon.config;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedWork;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code gpu} section. {@code simulated} holds its defaults when the backend is a vendor's.
 *
 * @param nvmlLibrary {@code gpu.nvml-library}: the NVML the {@code nvml} backend loads
 * @param amdsmiLibrary {@code gpu.amdsmi-library}: the AMD SMI the {@code amdsmi} backend loads
 * @param lockDir where the host-wide per-GPU locks live: one daemon per GPU, whatever its state
 *     directory
 */
public record GpuConfig(
    Backend backend, String nvmlLibrary, String amdsmiLibrary, Power minChange, Simulated simulated, Path lockDir) {

  /** {@code gpu.backend}: a vendor's library, simulated GPUs, or the vendor whose library sees GPUs. */
  public enum Backend implements ConfigWord {
    NVML,
    AMDSMI,
    SIMULATED,
    AUTO;

    /** Whether the GPUs are real ones, seen by other processes too. */
    public boolean real() {
      return this != SIMULATED;
    }
  }

  /** The NVML defaults with an explicit {@code nvml-library}. */
  public GpuConfig(Backend backend, String nvmlLibrary, Power minChange, Simulated simulated, Path lockDir) {
    this(backend, nvmlLibrary, DEFAULT_AMDSMI_LIBRARY, minChange, simulated, lockDir);
  }

  public static final String DEFAULT_NVML_LIBRARY = "libnvidia-ml.so.1";
  public static final String DEFAULT_AMDSMI_LIBRARY = "libamd_smi.so";

  /** The library configured for the vendor backend {@code name} ({@code nvml}, {@code amdsmi}), if any. */
  public java.util.Optional<String> library(String name) {
    return switch (name) {
      case "nvml" -> java.util.Optional.of(nvmlLibrary);
      case "amdsmi" -> java.util.Optional.of(amdsmiLibrary);
      default -> java.util.Optional.empty();
    };
  }

  /** GPU families the simulator has profiles for. */
  public enum Model implements ConfigWord {
    A40,
    V100
  }

  /**
   * {@code gpu.simulated}: identical simulated GPUs running one workload.
   *
   * @param work the simulated compute processes, each on a GPU and run by a simulated account or
   *     by nobody the daemon can name; without {@code work:} one of the latter on every GPU
   * @param realProcesses whether the daemon's own user's processes that name a GPU in {@code
   *     CARBON_GOVERNOR_SIMULATED_GPUS} run on it
   */
  public record Simulated(
      int count, Model model, String workload, int batchSize, List<SimulatedWork> work, boolean realProcesses) {
    public Simulated {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(workload, "workload");
      work = List.copyOf(work);
    }

    /** Every GPU busy with work no team owns, no real processes: what {@code work:} left out gives. */
    public Simulated(int count, Model model, String workload, int batchSize) {
      this(count, model, workload, batchSize, SimulatedWork.everyGpu(count), false);
    }
  }

  public GpuConfig {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(nvmlLibrary, "nvmlLibrary");
    Objects.requireNonNull(amdsmiLibrary, "amdsmiLibrary");
    Objects.requireNonNull(minChange, "minChange");
    Objects.requireNonNull(simulated, "simulated");
    Objects.requireNonNull(lockDir, "lockDir");
  }
}
