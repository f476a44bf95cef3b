package io.carbongovernor.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A GPU falling off the bus: marked failed, retried with a growing backoff, others unaffected. */
class NvmlGpuLostTest {

  private final FakeNvml fake = FakeNvml.load(FakeNvml.path());
  private final TestClock clock = new TestClock();
  private final NvmlGpuControl nvml = NvmlGpus.builder().library(FakeNvml.path()).clock(clock)
      .retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(30)).open();
  private final Gpu gpu0 = nvml.gpus().get(0);
  private final Gpu gpu1 = nvml.gpus().get(1);

  @AfterEach
  void close() {
    nvml.close();
  }

  private static GpuException gpuError(Runnable r) {
    try {
      r.run();
    } catch (GpuException e) {
      return e;
    }
    throw new AssertionError("no GpuException");
  }

  @Test
  void lostGpuIsMarkedFailedAndRetriedWithBackoffWhileTheOtherWorks() {
    fake.fakeNvmlSetLost(1, 1);
    assertThat(gpuError(() -> nvml.sample(gpu1)).code()).isEqualTo("NVML_ERROR_GPU_IS_LOST");
    assertThat(nvml.failed(gpu1)).isTrue();
    assertThat(nvml.failed(gpu0)).isFalse();

    // Until the retry time, calls fail at once, without asking the driver.
    fake.fakeNvmlSetLost(1, 0);
    GpuException waiting = gpuError(() -> nvml.setPowerLimit(gpu1, Power.ofWatts(200)));
    assertThat(waiting.code()).isEqualTo("NVML_ERROR_GPU_IS_LOST");
    assertThat(waiting.getMessage()).contains("marked failed").contains("2026-01-01T00:00:10Z");
    assertThat(fake.fakeNvmlSetCalls(1)).isZero();
    nvml.setPowerLimit(gpu0, Power.ofWatts(200));
    assertThat(nvml.sample(gpu0).limit()).isEqualTo(Power.ofWatts(200));

    // Still lost at the first retry: the next waits twice as long.
    fake.fakeNvmlSetLost(1, 1);
    clock.advance(Duration.ofSeconds(10));
    assertThat(gpuError(() -> nvml.sample(gpu1)).getMessage()).contains("re-initialising").contains("00:00:30Z");
    clock.advance(Duration.ofSeconds(19));
    assertThat(gpuError(() -> nvml.sample(gpu1)).getMessage()).contains("marked failed");

    // Back: re-initialised at the retry time and readable again.
    fake.fakeNvmlSetLost(1, 0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(nvml.sample(gpu1).limit()).isEqualTo(Power.ofWatts(300));
    assertThat(nvml.failed(gpu1)).isFalse();
    nvml.setPowerLimit(gpu1, Power.ofWatts(220));
    assertThat(fake.fakeNvmlLimit(1)).isEqualTo(220_000);
  }

  @Test
  void backoffStopsGrowingAtItsMaximum() {
    fake.fakeNvmlSetLost(0, 1);
    gpuError(() -> nvml.sample(gpu0));
    for (int i = 0; i < 4; i++) {
      clock.advance(Duration.ofSeconds(30));
      gpuError(() -> nvml.sample(gpu0));
    }
    // 10 s, 20 s, then 30 s each time: the last retry is due 30 s after the last attempt.
    clock.advance(Duration.ofSeconds(29));
    assertThat(gpuError(() -> nvml.sample(gpu0)).getMessage()).contains("marked failed");
    fake.fakeNvmlSetLost(0, 0);
    clock.advance(Duration.ofSeconds(1));
    assertThat(nvml.sample(gpu0).power()).isEqualTo(Power.ofWatts(250));
  }

  @Test
  void anNvmlShutDownUnderUsIsInitialisedAgain() {
    fake.fakeNvmlFail("nvmlDeviceGetPowerUsage", 1, 1);
    assertThat(gpuError(() -> nvml.sample(gpu0)).code()).isEqualTo("NVML_ERROR_UNINITIALIZED");
    clock.advance(Duration.ofSeconds(10));
    fake.fakeNvmlFail("nvmlDeviceGetHandleByUUID", 1, 1);
    assertThat(nvml.sample(gpu0).power()).isEqualTo(Power.ofWatts(250));
    assertThat(fake.fakeNvmlRefcount()).isEqualTo(2);
    nvml.close();
    assertThat(fake.fakeNvmlRefcount()).isZero();
  }
}
