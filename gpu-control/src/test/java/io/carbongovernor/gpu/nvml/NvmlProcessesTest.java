package io.carbongovernor.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The process list through the binding: both _v3 entry layouts and a list that grows meanwhile. */
class NvmlProcessesTest {

  private final FakeNvml fake = FakeNvml.load(FakeNvml.path());
  private final NvmlGpuControl nvml = NvmlGpus.open(FakeNvml.path());
  private final Gpu gpu0 = nvml.gpus().get(0);

  @AfterEach
  void close() {
    nvml.close();
  }

  @Test
  void noProcessIsAnEmptyList() {
    assertThat(nvml.processes(gpu0)).isEmpty();
  }

  @Test
  void twentyFourByteEntriesAreRead() {
    fake.fakeNvmlAddProcess(0, 4242, 123_456_789L);
    fake.fakeNvmlAddProcess(0, 4343, 8L << 30);
    fake.fakeNvmlAddProcess(1, 99, 1);
    assertThat(nvml.processes(gpu0))
        .containsExactly(new GpuProcess(4242, 123_456_789L), new GpuProcess(4343, 8L << 30));
    assertThat(nvml.processes(nvml.gpus().get(1))).containsExactly(new GpuProcess(99, 1));
  }

  @Test
  void thirtyTwoByteEntriesOfR535AreDetectedAndRead() {
    fake.fakeNvmlSetProcStride(32);
    for (int i = 0; i < 5; i++) {
      fake.fakeNvmlAddProcess(0, 4242 + i, 1_000_000L * (i + 1));
    }
    assertThat(nvml.processes(gpu0)).extracting(GpuProcess::pid).containsExactly(4242L, 4243L, 4244L, 4245L, 4246L);
    assertThat(nvml.processes(gpu0)).extracting(GpuProcess::usedMemoryBytes)
        .containsExactly(1_000_000L, 2_000_000L, 3_000_000L, 4_000_000L, 5_000_000L);
  }

  @Test
  void aListThatGrowsBetweenCountAndFetchIsFetchedAgain() {
    fake.fakeNvmlAddProcess(0, 7, 1);
    fake.fakeNvmlGrowProcessesOnNextQuery(0, 40);
    assertThat(nvml.processes(gpu0)).hasSize(41).first().isEqualTo(new GpuProcess(7, 1));
  }
}
