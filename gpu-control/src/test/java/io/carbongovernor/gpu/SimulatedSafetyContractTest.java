package io.carbongovernor.gpu;

/** The safety contract on simulated GPUs: one simulated node whose "hardware" every open shares. */
class SimulatedSafetyContractTest extends GpuSafetyContract {

  private SimulatedGpuControl sim;

  @Override
  protected Rig rig() {
    return new Rig() {
      @Override
      public GpuControl open(TestClock clock) {
        if (sim == null) {
          sim = SimulatedGpus.builder().model("a40").count(3).clock(clock).build();
        }
        // Every open sees the same GPUs, as a second process sees the same hardware.
        return new ForwardingGpuControl(sim) {
          @Override
          public void close() {}
        };
      }

      @Override
      public Power limit(int index) {
        return node().sample(node().gpus().get(index)).limit();
      }

      @Override
      public int setCalls(int index) {
        return node().setCalls(node().gpus().get(index));
      }

      @Override
      public void setLimitExternally(int index, Power limit) {
        node().setLimitExternally(node().gpus().get(index), limit);
      }

      @Override
      public void setLost(int index, boolean lost) {
        Gpu gpu = node().gpus().get(index);
        if (lost) {
          node().fail(gpu, GpuFault.GPU_LOST);
        } else {
          node().recover(gpu);
        }
      }

      @Override
      public void refuseSets(int index) {
        node().failSets(node().gpus().get(index), GpuFault.NO_PERMISSION);
      }

      @Override
      public boolean retriesAfterBackoff() {
        return false;
      }

      private SimulatedGpuControl node() {
        if (sim == null) {
          open(clock);
        }
        return sim;
      }
    };
  }
}
