package io.carbongovernor.gpu.amdsmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuBackends;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.nvml.FakeNvml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The AMD SMI binding on the fake libamd_smi.so: what it reads, in which units, and what it refuses. */
class AmdSmiBindingTest {

  private final FakeAmdSmi fake = FakeAmdSmi.load(FakeAmdSmi.path());

  private static GpuControl open() {
    return AmdSmiGpus.open(FakeAmdSmi.path());
  }

  @Test
  void enumeratesGpusWithIdentityAndPowerCapRangeFromMicrowatts() {
    fake.fakeAmdsmiSetCapRange(1, 100_000_000L, 500_000_000L, 450_000_000L);
    fake.fakeAmdsmiSetName(1, "AMD Instinct MI250X");
    try (GpuControl amd = open()) {
      List<Gpu> gpus = amd.gpus();
      assertThat(gpus).extracting(Gpu::index).containsExactly(0, 1);
      assertThat(gpus.get(0).uuid()).isEqualTo("fa4e0000-0000-1000-80ff-000000000000");
      assertThat(gpus.get(0).name()).isEqualTo("AMD Instinct MI300X (fake)");
      assertThat(gpus.get(0).constraints()).isEqualTo(new PowerConstraints(Power.ofWatts(200), Power.ofWatts(750)));
      assertThat(gpus.get(0).defaultLimit()).isEqualTo(Power.ofWatts(750));
      assertThat(gpus.get(1).name()).isEqualTo("AMD Instinct MI250X");
      assertThat(gpus.get(1).constraints()).isEqualTo(new PowerConstraints(Power.ofWatts(100), Power.ofWatts(500)));
      assertThat(gpus.get(1).defaultLimit()).isEqualTo(Power.ofWatts(450));
      assertThat(amd.driverVersion()).contains("6.8.5-fake");
      assertThat(amd.notControlled()).isEmpty();
    }
    assertThat(fake.fakeAmdsmiRefcount()).isZero();
  }

  @Test
  void setsTheCapInMicrowattsAndSamplesPowerEnergyClockAndActivity() {
    try (GpuControl amd = open()) {
      Gpu gpu = amd.gpus().get(0);
      amd.setPowerLimit(gpu, Power.ofWatts(512.5));
      assertThat(fake.fakeAmdsmiCap(0)).isEqualTo(512_500_000L);
      fake.fakeAmdsmiSetDraw(0, 400);
      GpuSample first = amd.sample(gpu);
      assertThat(first.limit()).isEqualTo(Power.ofWatts(512.5));
      assertThat(first.enforcedLimit()).isEqualTo(first.limit());
      assertThat(first.power()).isEqualTo(Power.ofWatts(400));
      assertThat(first.smClockMhz()).isEqualTo(2100);
      assertThat(first.utilisationPercent()).isEqualTo(93);
      fake.fakeAmdsmiAdvanceMs(10_000);
      GpuSample later = amd.sample(gpu);
      // 400 W for 10 s = 4000 J, counted in 15.3 uJ steps.
      double joules = later.energy().orElseThrow().joules() - first.energy().orElseThrow().joules();
      assertThat(joules).isBetween(3999.9, 4000.1);
    }
  }

  @Test
  void aGpuWithoutEnergyCounterHasNone() {
    fake.fakeAmdsmiSetEnergySupported(1, 0);
    try (GpuControl amd = open()) {
      assertThat(amd.sample(amd.gpus().get(1)).energy()).isEmpty();
      assertThat(amd.sample(amd.gpus().get(0)).energy()).map(Energy::millijoules).isPresent();
    }
  }

  @Test
  void refusedCapsHaveVendorNeutralFaults() {
    try (GpuControl amd = open()) {
      Gpu gpu = amd.gpus().get(0);
      assertThatThrownBy(() -> amd.setPowerLimit(gpu, Power.ofWatts(900)))
          .isInstanceOfSatisfying(GpuException.class, e -> {
            assertThat(e.fault()).isEqualTo(GpuFault.INVALID_ARGUMENT);
            assertThat(e.code()).isEqualTo("AMDSMI_STATUS_INPUT_OUT_OF_BOUNDS");
            assertThat(e.getMessage()).contains("range [200 W, 750 W]");
          });
      fake.fakeAmdsmiFailDevice("amdsmi_set_power_cap", 0, FakeAmdSmi.NO_PERM, -1);
      assertThatThrownBy(() -> amd.setPowerLimit(gpu, Power.ofWatts(500)))
          .isInstanceOfSatisfying(GpuException.class, e -> {
            assertThat(e.fault()).isEqualTo(GpuFault.NO_PERMISSION);
            assertThat(e.getMessage()).contains("CAP_SYS_ADMIN").contains("was not changed");
          });
      assertThat(fake.fakeAmdsmiCap(0)).isEqualTo(750_000_000L);
    }
  }

  @Test
  void listsComputeProcessesWithTheirPidsAndMemory() {
    fake.fakeAmdsmiAddProcess(1, 4242, 3L << 30);
    fake.fakeAmdsmiAddProcess(1, 4343, 1L << 20);
    try (GpuControl amd = open()) {
      assertThat(amd.processes(amd.gpus().get(0))).isEmpty();
      assertThat(amd.processes(amd.gpus().get(1)))
          .containsExactly(new GpuProcess(4242, 3L << 30), new GpuProcess(4343, 1L << 20));
    }
  }

  @Test
  void aGpuInComputePartitionsIsRefusedWithWhatToDo() {
    fake.fakeAmdsmiSetDeviceCount(3);
    fake.fakeAmdsmiSetPartition(1, "CPX");
    try (GpuControl amd = open()) {
      // Socket 1's eight partitions take indices 1 to 8, as amd-smi numbers them.
      assertThat(amd.gpus()).extracting(Gpu::index).containsExactly(0, 9);
      assertThat(amd.notControlled()).singleElement().asString()
          .contains("gpu1 is in compute partition mode CPX").contains("8 partition(s) share one power cap")
          .contains("--compute-partition SPX");
    }
  }

  @Test
  void aMissingLibraryIsLibraryNotFoundAndAnOlderRocmSmiIsNamed(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("libamd_smi.so");
    assertThatThrownBy(() -> AmdSmiGpus.open(missing.toString()))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.fault()).isEqualTo(GpuFault.LIBRARY_NOT_FOUND);
          assertThat(e.getMessage()).contains("cannot load AMD SMI library " + missing).doesNotContain("ROCm SMI");
        });
    Files.writeString(dir.resolve("librocm_smi64.so.7"), "");
    assertThatThrownBy(() -> AmdSmiGpus.open(missing.toString()))
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.getMessage())
            .contains("ROCm SMI (" + dir.resolve("librocm_smi64.so.7") + ") is installed")
            .contains("install the amd-smi-lib package of ROCm 6 or newer"));
    assertThat(GpuBackends.named("amdsmi").orElseThrow().missingLibraryHint(missing.toString())).isPresent();
  }

  @Test
  void aLibraryThatIsNotAmdSmiIsUnusable() {
    assertThatThrownBy(() -> AmdSmiGpus.open(FakeNvml.path()))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.fault()).isEqualTo(GpuFault.LIBRARY_UNUSABLE);
          assertThat(e.getMessage()).contains("lacks amdsmi_init").contains("not a usable AMD SMI");
        });
  }

  @Test
  void initFailureSaysWhatTheDriverNeeds() {
    fake.fakeAmdsmiFail("amdsmi_init", 34, 1); // AMDSMI_STATUS_DRIVER_NOT_LOADED
    assertThatThrownBy(AmdSmiBindingTest::open)
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.getMessage())
            .contains("amdsmi_init(AMDSMI_INIT_AMD_GPUS) failed").contains("/dev/kfd")
            .contains("AMDSMI_STATUS_DRIVER_NOT_LOADED"));
  }
}
