package io.carbongovernor.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import org.junit.jupiter.api.Test;

/** DCGM's label names on every GPU; AMD's device-metrics-exporter's beside them on AMD GPUs. */
class GpuLabelsTest {

  private final Gpu gpu = new Gpu(3, "fa4e0000-0000-1000-80ff-000000000003", "AMD Instinct MI300X",
      new PowerConstraints(Power.ofWatts(200), Power.ofWatts(750)), Power.ofWatts(750));

  @Test
  void amdGpusCarryDcgmAndDeviceMetricsExporterLabels() {
    GpuLabels amd = GpuLabels.forVendor("AMD");
    assertThat(amd.names()).containsExactly("gpu", "UUID", "gpu_id", "gpu_uuid");
    assertThat(amd.of(gpu)).containsExactly("3", gpu.uuid(), "3", gpu.uuid());
  }

  @Test
  void otherGpusKeepTheDcgmLabelsOnly() {
    for (String vendor : new String[] {"NVIDIA", "simulated"}) {
      GpuLabels labels = GpuLabels.forVendor(vendor);
      assertThat(labels.names()).containsExactly("gpu", "UUID");
      assertThat(labels.of(gpu)).containsExactly("3", gpu.uuid());
    }
  }
}
