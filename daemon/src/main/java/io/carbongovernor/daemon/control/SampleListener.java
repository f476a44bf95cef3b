package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuSample;
import java.util.List;

/**
 * Told what each sample pass read and accounted, as it happens (metrics). Called on the
 * sampler's thread; an implementation must be quick and must not throw.
 */
public interface SampleListener {

  /** A GPU read this pass. */
  void sampled(Gpu gpu, GpuSample sample);

  /** A GPU that could not be read this pass: what was known of it is stale now. */
  void unreadable(Gpu gpu);

  /** The energy rows of one pass, split by team and job, as they go to the history. */
  void accounted(List<EnergyRecord> records);
}
