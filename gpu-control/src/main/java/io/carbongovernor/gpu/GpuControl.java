package io.carbongovernor.gpu;

import java.util.List;

/**
 * What the daemon can read from and do to the GPUs of this node. Implementations: NVML and
 * simulated. The safety layer wraps either and implements this same interface.
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

  /** Releases the backend. Does not change any limit. */
  @Override
  void close();
}
