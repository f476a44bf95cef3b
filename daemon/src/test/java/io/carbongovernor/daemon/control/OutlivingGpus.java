package io.carbongovernor.daemon.control;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.Power;
import java.util.List;

/**
 * Hands the daemon a backend whose close() leaves the GPUs readable, as real GPUs outlive the
 * daemon process, so a test can check their limits after the daemon stopped.
 */
record OutlivingGpus(GpuControl backend) implements GpuControl {
  @Override
  public List<Gpu> gpus() {
    return backend.gpus();
  }

  @Override
  public GpuSample sample(Gpu gpu) {
    return backend.sample(gpu);
  }

  @Override
  public void setPowerLimit(Gpu gpu, Power limit) {
    backend.setPowerLimit(gpu, limit);
  }

  @Override
  public List<GpuProcess> processes(Gpu gpu) {
    return backend.processes(gpu);
  }

  @Override
  public void close() {}
}
