package io.carbongovernor.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.Power;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The fake built without the optional symbols (energy counter, MIG mode, _v2/_v3 process lists),
 * as an old driver: detected when the library is opened, each with its fallback.
 */
class NvmlOldDriverTest {

  @Test
  void missingOptionalSymbolsAreFoundUpFrontAndFallBack() {
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("nvml")).addAppender(logs);

    FakeNvml fake = FakeNvml.load(FakeNvml.minimalPath());
    fake.fakeNvmlAddProcess(0, 31337, 5L << 20);
    try (NvmlGpuControl nvml = NvmlGpus.open(FakeNvml.minimalPath())) {
      assertThat(logs.list).anySatisfy(e -> assertThat(e.getFormattedMessage() + " " + e.getKeyValuePairs())
          .contains("optional functions absent")
          .contains("nvmlDeviceGetTotalEnergyConsumption")
          .contains("nvmlDeviceGetMigMode")
          .contains("nvmlDeviceGetComputeRunningProcesses_v3"));
      Gpu gpu = nvml.gpus().get(0);
      GpuSample s = nvml.sample(gpu);
      assertThat(s.energy()).isEmpty();
      assertThat(s.power()).isEqualTo(Power.ofWatts(250));
      assertThat(nvml.migMode(gpu)).isEmpty();
      // v1 entries are 16 bytes.
      assertThat(nvml.processes(gpu)).containsExactly(new GpuProcess(31337, 5L << 20));
      nvml.setPowerLimit(gpu, Power.ofWatts(150));
      assertThat(nvml.sample(gpu).limit()).isEqualTo(Power.ofWatts(150));
    }
  }
}
