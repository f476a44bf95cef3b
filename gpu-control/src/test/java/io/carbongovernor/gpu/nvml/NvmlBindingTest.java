package io.carbongovernor.gpu.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The production binding against the fake libnvidia-ml.so.1: every mapped call and return code. */
class NvmlBindingTest {

  private final FakeNvml fake = FakeNvml.load(FakeNvml.path());
  private NvmlGpuControl nvml;

  private NvmlGpuControl open() {
    nvml = NvmlGpus.open(FakeNvml.path());
    return nvml;
  }

  @AfterEach
  void close() {
    if (nvml != null) {
      nvml.close();
    }
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
  void enumeratesNameUuidConstraintsAndDefaultLimitByIndex() {
    fake.fakeNvmlSetDeviceCount(8);
    fake.fakeNvmlSetConstraints(3, 150_000, 400_000, 350_000);
    open();
    assertThat(nvml.gpus()).hasSize(8);
    assertThat(nvml.gpus()).extracting(Gpu::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    Gpu gpu3 = nvml.gpus().get(3);
    assertThat(gpu3.uuid()).isEqualTo("GPU-fa4e0000-0000-4000-8000-000000000003");
    assertThat(gpu3.name()).isEqualTo("NVIDIA A40 (fake)");
    assertThat(gpu3.constraints()).isEqualTo(new PowerConstraints(Power.ofWatts(150), Power.ofWatts(400)));
    assertThat(gpu3.defaultLimit()).isEqualTo(Power.ofWatts(350));
    assertThat(nvml.driverVersion()).contains("535.999.99-fake");
  }

  @Test
  void noGpusIsAnEmptyListAndOneIsOne() {
    fake.fakeNvmlSetDeviceCount(0);
    assertThat(open().gpus()).isEmpty();
    nvml.close();
    fake.fakeNvmlSetDeviceCount(1);
    assertThat(open().gpus()).hasSize(1);
  }

  @Test
  void samplesPowerEnergyLimitsClockAndUtilisation() {
    open();
    Gpu gpu = nvml.gpus().get(0);
    GpuSample first = nvml.sample(gpu);
    assertThat(first.power()).isEqualTo(Power.ofWatts(250));
    assertThat(first.limit()).isEqualTo(Power.ofWatts(300));
    assertThat(first.enforcedLimit()).isEqualTo(Power.ofWatts(300));
    assertThat(first.smClockMhz()).isEqualTo(1740);
    assertThat(first.utilisationPercent()).isEqualTo(97);
    assertThat(first.energy()).contains(Energy.ZERO);
    fake.fakeNvmlAdvanceMs(2_000);
    // 250 W for 2 s.
    assertThat(nvml.sample(gpu).energy()).contains(Energy.ofJoules(500));
  }

  @Test
  void setChangesTheLimitAndTheDrawFollowsIt() {
    open();
    Gpu gpu = nvml.gpus().get(1);
    nvml.setPowerLimit(gpu, Power.ofWatts(180));
    GpuSample s = nvml.sample(gpu);
    assertThat(s.limit()).isEqualTo(Power.ofWatts(180));
    assertThat(s.enforcedLimit()).isEqualTo(Power.ofWatts(180));
    assertThat(s.power()).isEqualTo(Power.ofWatts(180));
    assertThat(s.smClockMhz()).isEqualTo(1044);
    assertThat(fake.fakeNvmlLimit(1)).isEqualTo(180_000);
    assertThat(fake.fakeNvmlLimit(0)).isEqualTo(300_000);
  }

  @Test
  void anOutOfRangeLimitIsRefusedByTheDriverWithInvalidArgument() {
    open();
    Gpu gpu = nvml.gpus().get(0);
    GpuException e = gpuError(() -> nvml.setPowerLimit(gpu, Power.ofWatts(50)));
    assertThat(e.code()).isEqualTo("NVML_ERROR_INVALID_ARGUMENT");
    assertThat(e.getMessage()).contains("50 W").contains("[100 W, 300 W]").contains("Invalid Argument");
    assertThat(fake.fakeNvmlLimit(0)).isEqualTo(300_000);
  }

  @Test
  void everyReturnCodeBecomesAGpuExceptionNamedAfterIt() {
    open();
    Gpu gpu = nvml.gpus().get(0);
    fake.fakeNvmlFail("nvmlDeviceGetPowerUsage", 999, 1);
    GpuException unknown = gpuError(() -> nvml.sample(gpu));
    assertThat(unknown.code()).isEqualTo("NVML_ERROR_UNKNOWN");
    assertThat(unknown.getMessage()).contains("nvmlDeviceGetPowerUsage").contains("gpu0").contains("Unknown Error");
    assertThat(NvmlReturn.UNKNOWN.is(unknown)).isTrue();

    fake.fakeNvmlFail("nvmlDeviceGetPowerManagementLimit", 10, 1);
    assertThat(gpuError(() -> nvml.sample(gpu)).code()).isEqualTo("NVML_ERROR_TIMEOUT");

    fake.fakeNvmlFail("nvmlDeviceSetPowerManagementLimit", 42, 1);
    assertThat(gpuError(() -> nvml.setPowerLimit(gpu, Power.ofWatts(200))).code()).isEqualTo("NVML_ERROR_CODE_42");

    fake.fakeNvmlFail("nvmlDeviceGetComputeRunningProcesses_v3", 17, 1);
    assertThat(gpuError(() -> nvml.processes(gpu)).code()).isEqualTo("NVML_ERROR_OPERATING_SYSTEM");

    // Each was injected once: the GPU answers normally again.
    assertThat(nvml.sample(gpu).power()).isEqualTo(Power.ofWatts(250));
    assertThat(nvml.failed(gpu)).isFalse();
  }

  @Test
  void codeNamesCoverTheWholeTable() {
    assertThat(NvmlReturn.codeName(0)).isEqualTo("NVML_SUCCESS");
    assertThat(NvmlReturn.codeName(4)).isEqualTo("NVML_ERROR_NO_PERMISSION");
    assertThat(NvmlReturn.codeName(15)).isEqualTo("NVML_ERROR_GPU_IS_LOST");
    assertThat(NvmlReturn.codeName(30)).isEqualTo("NVML_ERROR_RESET_TYPE_NOT_SUPPORTED");
    assertThat(NvmlReturn.codeName(999)).isEqualTo("NVML_ERROR_UNKNOWN");
    assertThat(NvmlReturn.codeName(31)).isEqualTo("NVML_ERROR_CODE_31");
    for (int v = 0; v <= 30; v++) {
      assertThat(NvmlReturn.codeName(v)).doesNotStartWith("NVML_ERROR_CODE_");
    }
  }

  @Test
  void noPermissionOnSetSaysRootOrCapSysAdmin() {
    open();
    fake.fakeNvmlFail("nvmlDeviceSetPowerManagementLimit", 4, -1);
    GpuException e = gpuError(() -> nvml.setPowerLimit(nvml.gpus().get(0), Power.ofWatts(200)));
    assertThat(e.code()).isEqualTo("NVML_ERROR_NO_PERMISSION");
    assertThat(e.getMessage()).contains("needs root or the CAP_SYS_ADMIN capability");
  }

  @Test
  void theEnforcedLimitShowsAnOutOfBandCap() {
    open();
    fake.fakeNvmlSetOobCap(0, 200_000);
    GpuSample s = nvml.sample(nvml.gpus().get(0));
    assertThat(s.limit()).isEqualTo(Power.ofWatts(300));
    assertThat(s.enforcedLimit()).isEqualTo(Power.ofWatts(200));
    assertThat(s.power()).isEqualTo(Power.ofWatts(200));
  }

  @Test
  void aGpuWithoutEnergyCounterSamplesWithoutEnergyAndIsNotAskedAgain() {
    open();
    fake.fakeNvmlFailDevice("nvmlDeviceGetTotalEnergyConsumption", 1, 3, 1);
    assertThat(nvml.sample(nvml.gpus().get(1)).energy()).isEmpty();
    // Injected once only: were it asked again, the counter would be there.
    assertThat(nvml.sample(nvml.gpus().get(1)).energy()).isEmpty();
    assertThat(nvml.sample(nvml.gpus().get(0)).energy()).isPresent();
  }

  @Test
  void migModeIsReadAndUtilisationIsZeroUnderMig() {
    open();
    Gpu gpu = nvml.gpus().get(0);
    assertThat(nvml.migMode(gpu)).contains(new MigMode(false, false));
    fake.fakeNvmlSetMig(0, 1, 0);
    assertThat(nvml.migMode(gpu)).hasValueSatisfying(m -> assertThat(m.changePending()).isTrue());
    assertThat(nvml.sample(gpu).utilisationPercent()).isZero();
    fake.fakeNvmlFail("nvmlDeviceGetMigMode", 3, 1);
    assertThat(nvml.migMode(gpu)).isEmpty();
  }

  @Test
  void aGpuThisProcessMayNotOpenIsSkippedTheOthersListed() {
    fake.fakeNvmlSetDeviceCount(3);
    fake.fakeNvmlFailDevice("nvmlDeviceGetHandleByIndex_v2", 1, 4, -1);
    open();
    assertThat(nvml.gpus()).extracting(Gpu::index).containsExactly(0, 2);
  }

  @Test
  void initFailureIsTypedAndLeavesNothingInitialised() {
    fake.fakeNvmlFail("nvmlInit_v2", 9, 1);
    assertThatThrownBy(() -> NvmlGpus.open(FakeNvml.path()))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.code()).isEqualTo("NVML_ERROR_DRIVER_NOT_LOADED");
          assertThat(e.getMessage()).contains("nvmlInit_v2").contains("Driver Not Loaded");
        });
    assertThat(fake.fakeNvmlRefcount()).isZero();
    fake.fakeNvmlFail("nvmlDeviceGetCount_v2", 999, 1);
    assertThatThrownBy(() -> NvmlGpus.open(FakeNvml.path())).isInstanceOf(GpuException.class);
    assertThat(fake.fakeNvmlRefcount()).isZero();
  }

  @Test
  void closeShutsNvmlDownOnceAndThenRefusesCalls() {
    open();
    Gpu gpu = nvml.gpus().get(0);
    assertThat(fake.fakeNvmlRefcount()).isEqualTo(1);
    nvml.close();
    nvml.close();
    assertThat(fake.fakeNvmlRefcount()).isZero();
    assertThat(gpuError(() -> nvml.sample(gpu)).code()).isEqualTo("NVML_ERROR_UNINITIALIZED");
    assertThat(nvml.driverVersion()).isEqualTo(Optional.empty());
  }

  @Test
  void aMissingLibraryIsLibraryNotFound() {
    assertThatThrownBy(() -> NvmlGpus.open("/nonexistent/libnvidia-ml.so.1"))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.code()).isEqualTo("NVML_ERROR_LIBRARY_NOT_FOUND");
          assertThat(e.getMessage()).contains("/nonexistent/libnvidia-ml.so.1");
        });
  }

  @Test
  void aLibraryWithoutNvmlIsRefusedUpFrontNamingTheMissingFunctions() {
    // libc is a real shared library, but not an NVML.
    assertThatThrownBy(() -> NvmlGpus.open("libc.so.6"))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.code()).isEqualTo("NVML_ERROR_FUNCTION_NOT_FOUND");
          assertThat(e.getMessage()).contains("nvmlInit_v2").contains("nvmlDeviceSetPowerManagementLimit");
        });
  }
}
