package io.carbongovernor.gpu.amdsmi;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuSafetyContract;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.TestClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The safety contract through the production AMD SMI binding and the fake libamd_smi.so. */
class AmdSmiSafetyContractTest extends GpuSafetyContract {

  private final FakeAmdSmi fake = FakeAmdSmi.load(FakeAmdSmi.path());

  @Override
  protected Rig rig() {
    fake.fakeAmdsmiSetDeviceCount(3);
    return new Rig() {
      @Override
      public GpuControl open(TestClock clock) {
        return AmdSmiGpus.builder().library(FakeAmdSmi.path()).clock(clock)
            .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5)).open();
      }

      @Override
      public Power limit(int index) {
        return Power.ofMicrowatts(fake.fakeAmdsmiCap(index));
      }

      @Override
      public int setCalls(int index) {
        return fake.fakeAmdsmiSetCalls(index);
      }

      @Override
      public void setLimitExternally(int index, Power limit) {
        fake.fakeAmdsmiSetCapExternally(index, limit.microwatts()); // amd-smi set --power-cap
      }

      @Override
      public void setLost(int index, boolean lost) {
        fake.fakeAmdsmiSetLost(index, lost ? 1 : 0);
      }

      @Override
      public void refuseSets(int index) {
        fake.fakeAmdsmiFailDevice("amdsmi_set_power_cap", index, FakeAmdSmi.NO_PERM, -1);
      }

      @Override
      public boolean retriesAfterBackoff() {
        return true;
      }
    };
  }

  @Test
  void amdSmiStatusNamesReachTheOutcomeForTheLogs() {
    GpuControl amd = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(amd, Ledger.open(stateDir, clock));
    fake.fakeAmdsmiSetLost(1, 1);
    assertThat(guard.apply(Map.of(amd.gpus().get(1), Power.ofWatts(400))).get(0).errorCode())
        .contains("AMDSMI_STATUS_NOT_FOUND");
  }
}
