package io.carbongovernor.gpu;

import java.util.List;
import java.util.Optional;

/**
 * Simulated GPUs (backend {@code simulated}) plus the hooks tests use to play the world around
 * the daemon: an operator's {@code nvidia-smi -pl} or {@code amd-smi set --power-cap}, a GPU falling off the bus, a missing
 * permission. Created by {@link SimulatedGpus}. Thread-safe.
 */
public interface SimulatedGpuControl extends GpuControl {

  /** Changes a GPU's limit as {@code nvidia-smi -pl} would: not counted as a setter call. */
  void setLimitExternally(Gpu gpu, Power limit);

  /**
   * From now on every operation on the GPU ({@code sample}, {@code setPowerLimit}, {@code
   * processes}) throws {@link GpuException} with {@code fault}, e.g. {@link GpuFault#GPU_LOST}.
   */
  void fail(Gpu gpu, GpuFault fault);

  /** From now on only {@code setPowerLimit} throws, e.g. with {@link GpuFault#NO_PERMISSION}. */
  void failSets(Gpu gpu, GpuFault fault);

  /** Ends a failure set by {@link #fail} or {@link #failSets}. */
  void recover(Gpu gpu);

  /** How many times {@code setPowerLimit} was called for the GPU, failed calls included. */
  int setCalls(Gpu gpu);

  /** {@link #setCalls} summed over every GPU. */
  int totalSetCalls();

  /** Replaces the compute processes reported for the GPU. */
  void setProcesses(Gpu gpu, List<GpuProcess> processes);

  /**
   * The simulated account that runs a simulated process ({@link SimulatedGpus.Builder#work}):
   * empty for any other pid, and for work configured without an account. Only this backend can
   * say who runs its simulated work; a real process's owner comes from /proc.
   */
  Optional<SimulatedAccount> accountOf(long pid);

  /** Sets the GPU's energy counter back to zero, as a driver reload does. */
  void resetEnergyCounter(Gpu gpu);
}
