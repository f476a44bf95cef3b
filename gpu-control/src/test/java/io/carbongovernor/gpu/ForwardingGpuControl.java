package io.carbongovernor.gpu;

import java.util.List;

/** A backend that forwards to another; tests override a method to observe or misbehave. */
public class ForwardingGpuControl implements GpuControl {

  final GpuControl delegate;

  public ForwardingGpuControl(GpuControl delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<Gpu> gpus() {
    return delegate.gpus();
  }

  @Override
  public GpuSample sample(Gpu gpu) {
    return delegate.sample(gpu);
  }

  @Override
  public void setPowerLimit(Gpu gpu, Power limit) {
    delegate.setPowerLimit(gpu, limit);
  }

  @Override
  public List<GpuProcess> processes(Gpu gpu) {
    return delegate.processes(gpu);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
