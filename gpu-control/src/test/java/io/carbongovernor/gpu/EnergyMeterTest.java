package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.EnergyReading.Source;
import io.carbongovernor.gpu.nvml.FakeNvml;
import io.carbongovernor.gpu.nvml.NvmlGpuControl;
import io.carbongovernor.gpu.nvml.NvmlGpus;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Energy between readings: from the fake's counter, across a counter reset, and integrated. */
class EnergyMeterTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final EnergyMeter meter = EnergyMeter.create();

  @Test
  void counterDeltasAndAResetThroughTheBinding() {
    FakeNvml fake = FakeNvml.load(FakeNvml.path());
    try (NvmlGpuControl nvml = NvmlGpus.open(FakeNvml.path())) {
      Gpu gpu = nvml.gpus().get(0);
      fake.fakeNvmlAdvanceMs(10_000);
      assertThat(meter.record(gpu, T0, nvml.sample(gpu)).source()).isEqualTo(Source.FIRST);

      fake.fakeNvmlAdvanceMs(5_000);
      EnergyReading r = meter.record(gpu, T0.plusSeconds(5), nvml.sample(gpu));
      assertThat(r.source()).isEqualTo(Source.COUNTER);
      assertThat(r.delta()).isEqualTo(Energy.ofJoules(250 * 5));

      // The driver reloads: the counter starts again from zero, and 2 s pass.
      fake.fakeNvmlResetEnergy(0);
      fake.fakeNvmlAdvanceMs(2_000);
      EnergyReading reset = meter.record(gpu, T0.plusSeconds(7), nvml.sample(gpu));
      assertThat(reset.source()).isEqualTo(Source.COUNTER_RESET);
      assertThat(reset.delta()).isEqualTo(Energy.ofJoules(250 * 2));
      assertThat(reset.total()).isEqualTo(Energy.ofJoules(250 * 7));
    }
  }

  @Test
  void aGpuWithoutCounterIsIntegratedFromPowerThroughTheBinding() {
    FakeNvml fake = FakeNvml.load(FakeNvml.path());
    fake.fakeNvmlSetEnergySupported(1, 0);
    try (NvmlGpuControl nvml = NvmlGpus.open(FakeNvml.path())) {
      Gpu gpu = nvml.gpus().get(1);
      meter.record(gpu, T0, nvml.sample(gpu)); // 250 W
      nvml.setPowerLimit(gpu, Power.ofWatts(150));
      EnergyReading r = meter.record(gpu, T0.plusSeconds(10), nvml.sample(gpu)); // 150 W
      assertThat(r.source()).isEqualTo(Source.INTEGRATED);
      assertThat(r.delta()).isEqualTo(Energy.ofJoules((250 + 150) / 2.0 * 10));
      assertThat(r.interval()).isEqualTo(Duration.ofSeconds(10));
    }
  }

  @Test
  void aReadingOlderThanTheLastAddsNothing() {
    meter.record("GPU-x", T0, Optional.of(Energy.ofJoules(100)), Power.ofWatts(100));
    meter.record("GPU-x", T0.plusSeconds(10), Optional.of(Energy.ofJoules(1100)), Power.ofWatts(100));
    EnergyReading late = meter.record("GPU-x", T0.plusSeconds(5), Optional.of(Energy.ofJoules(600)), Power.ofWatts(100));
    assertThat(late.source()).isEqualTo(Source.OUT_OF_ORDER);
    assertThat(late.delta()).isEqualTo(Energy.ZERO);
    EnergyReading next = meter.record("GPU-x", T0.plusSeconds(20), Optional.of(Energy.ofJoules(2100)), Power.ofWatts(100));
    assertThat(next.delta()).isEqualTo(Energy.ofJoules(1000));
    assertThat(next.total()).isEqualTo(Energy.ofJoules(2000));
  }

  @Test
  void gpusAreMeteredSeparatelyAndForgetStartsAfresh() {
    meter.record("GPU-a", T0, Optional.of(Energy.ofJoules(10)), Power.ofWatts(100));
    meter.record("GPU-b", T0, Optional.empty(), Power.ofWatts(200));
    assertThat(meter.record("GPU-a", T0.plusSeconds(1), Optional.of(Energy.ofJoules(110)), Power.ofWatts(100)).delta())
        .isEqualTo(Energy.ofJoules(100));
    assertThat(meter.record("GPU-b", T0.plusSeconds(1), Optional.empty(), Power.ofWatts(200)).delta())
        .isEqualTo(Energy.ofJoules(200));
    meter.forget("GPU-a");
    assertThat(meter.record("GPU-a", T0.plusSeconds(2), Optional.of(Energy.ofJoules(5)), Power.ofWatts(100)).source())
        .isEqualTo(Source.FIRST);
  }
}
