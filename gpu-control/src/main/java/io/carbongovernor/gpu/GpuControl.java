package io.carbongovernor.gpu;

import java.util.List;
import java.util.Optional;

/**
 * What the daemon can read from and do to the GPUs of this node. Implementations: one per vendor
 * ({@link GpuBackend}s: NVML, AMD SMI) and simulated. The safety layer wraps any of them and
 * implements this same interface.
 *
 * <p>Methods that take a {@link Gpu} fail for that GPU alone with {@link GpuException}.
 */
public interface GpuControl extends AutoCloseable {

  /** Every GPU of the node, in index order. */
  List<Gpu> gpus();

  /** Current power, energy, limits, clock and utilisation of one GPU. */
  GpuSample sample(Gpu gpu);

  /** Sets the GPU's power limit; the caller keeps it inside {@link Gpu#constraints()}. */
  void setPowerLimit(Gpu gpu, Power limit);

  /** Compute processes running on the GPU. */
  List<GpuProcess> processes(Gpu gpu);

  /** Whose GPUs these are, as {@link GpuBackend#vendor()} names them; {@code simulated} for none. */
  default String vendor() {
    return "unknown";
  }

  /** The GPU driver's version, e.g. {@code 550.54.15}; empty where the backend cannot say. */
  default Optional<String> driverVersion() {
    return Optional.empty();
  }

  /**
   * GPUs the backend saw but does not control, each with why and what to do (e.g. a GPU split
   * into compute partitions that share one power cap); empty when it controls every GPU it saw.
   */
  default List<String> notControlled() {
    return List.of();
  }

  /** Releases the backend. Does not change any limit. */
  @Override
  void close();
}
