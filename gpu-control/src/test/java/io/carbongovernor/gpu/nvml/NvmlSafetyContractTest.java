package io.carbongovernor.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuSafetyContract;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.TestClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The safety contract through the production NVML binding and the fake libnvidia-ml.so.1
 * (src/test/native/fake_nvml.c), plus what only NVML has: an enforced limit apart from the limit.
 */
class NvmlSafetyContractTest extends GpuSafetyContract {

  private static final int NO_PERMISSION = 4; // NVML_ERROR_NO_PERMISSION
  private static final int GPU_IS_LOST = 15; // handled by fakeNvmlSetLost

  private final FakeNvml fake = FakeNvml.load(FakeNvml.path());

  @Override
  protected Rig rig() {
    fake.fakeNvmlSetDeviceCount(3);
    return new Rig() {
      @Override
      public GpuControl open(TestClock clock) {
        return NvmlGpus.builder().library(FakeNvml.path()).clock(clock)
            .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5)).open();
      }

      @Override
      public Power limit(int index) {
        return Power.ofMilliwatts(Integer.toUnsignedLong(fake.fakeNvmlLimit(index)));
      }

      @Override
      public int setCalls(int index) {
        return fake.fakeNvmlSetCalls(index);
      }

      @Override
      public void setLimitExternally(int index, Power limit) {
        fake.fakeNvmlSetLimitExternally(index, (int) limit.milliwatts()); // nvidia-smi -pl
      }

      @Override
      public void setLost(int index, boolean lost) {
        fake.fakeNvmlSetLost(index, lost ? 1 : 0);
      }

      @Override
      public void refuseSets(int index) {
        fake.fakeNvmlFailDevice("nvmlDeviceSetPowerManagementLimit", index, NO_PERMISSION, -1);
      }

      @Override
      public boolean retriesAfterBackoff() {
        return true;
      }
    };
  }

  @Test
  void readBackComparesLimitWithTheEnforcedLimit() {
    GpuControl nvml = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, Ledger.open(stateDir, clock));
    fake.fakeNvmlSetOobCap(1, 160_000);
    LimitOutcome outcome = guard.apply(Map.of(nvml.gpus().get(1), Power.ofWatts(200))).get(0);
    assertThat(outcome.status()).isEqualTo(LimitOutcome.Status.APPLIED);
    assertThat(outcome.detail()).contains("read back limit 200 W, enforced 160 W");
  }

  @Test
  void nvmlCodesReachTheOutcomeForTheLogs() {
    fake.fakeNvmlSetDeviceCount(3);
    GpuControl nvml = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, Ledger.open(stateDir, clock));
    fake.fakeNvmlSetLost(1, 1);
    assertThat(guard.apply(Map.of(nvml.gpus().get(1), Power.ofWatts(150))).get(0).errorCode())
        .contains(NvmlReturn.codeName(GPU_IS_LOST));
  }
}
