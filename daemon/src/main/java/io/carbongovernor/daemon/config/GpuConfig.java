package io.carbongovernor.daemon.config;

import io.carbongovernor.gpu.Power;
import java.nio.file.Path;
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

  /** {@code gpu.simulated}: identical simulated GPUs running one workload. */
  public record Simulated(int count, Model model, String workload, int batchSize) {
    public Simulated {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(workload, "workload");
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
