package io.carbongovernor.daemon.config;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedWork;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The {@code gpu} section. {@code simulated} holds its defaults when the backend is NVML.
 *
 * @param lockDir where the host-wide per-GPU locks live: one daemon per GPU, whatever its state
 *     directory
 */
public record GpuConfig(Backend backend, String nvmlLibrary, Power minChange, Simulated simulated, Path lockDir) {

  public enum Backend implements ConfigWord {
    NVML,
    SIMULATED
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
    Objects.requireNonNull(minChange, "minChange");
    Objects.requireNonNull(simulated, "simulated");
    Objects.requireNonNull(lockDir, "lockDir");
  }
}
