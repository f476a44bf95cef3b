package io.carbongovernor.gpu.nvml;

import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;

/**
 * The test-only exports of the fake libnvidia-ml.so.1 (src/test/native/fake_nvml.c). Loaded from
 * the same absolute path as the production binding, so both see the same GPUs.
 */
public interface FakeNvml {

  void fakeNvmlReset();

  void fakeNvmlUseStateFile(String path);

  void fakeNvmlSetDeviceCount(int count);

  /** Injects {@code code} for {@code count} calls of {@code function} (-1: forever; 0: remove). */
  void fakeNvmlFail(String function, int code, int count);

  void fakeNvmlFailDevice(String function, int index, int code, int count);

  void fakeNvmlSetLost(int index, int lost);

  void fakeNvmlSetDraw(int index, int milliwatts);

  /** As {@code nvidia-smi -pl} would: not counted as a set call. */
  void fakeNvmlSetLimitExternally(int index, int milliwatts);

  void fakeNvmlSetOobCap(int index, int milliwatts);

  void fakeNvmlSetConstraints(int index, int min, int max, int defaultLimit);

  void fakeNvmlSetEnergySupported(int index, int supported);

  void fakeNvmlResetEnergy(int index);

  void fakeNvmlSetMig(int index, int current, int pending);

  void fakeNvmlAddProcess(int index, int pid, long memory);

  void fakeNvmlGrowProcessesOnNextQuery(int index, int extra);

  void fakeNvmlSetProcStride(int bytes);

  void fakeNvmlUseManualClock();

  void fakeNvmlAdvanceMs(long ms);

  int fakeNvmlRefcount();

  int fakeNvmlSetCalls(int index);

  int fakeNvmlLimit(int index);

  /** The fake built by the test build; its path comes from surefire. */
  static String path() {
    return pathOf("fake-nvml.library");
  }

  /** The fake built without the optional symbols, as an old driver. */
  static String minimalPath() {
    return pathOf("fake-nvml.minimal-library");
  }

  private static String pathOf(String property) {
    String p = System.getProperty(property);
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new IllegalStateException("fake NVML not built: system property " + property + " = " + p
          + " (the test build compiles src/test/native/fake_nvml.c with gcc)");
    }
    return p;
  }

  /** The backdoor of the fake at {@code path}, reset to its defaults with a manual clock. */
  static FakeNvml load(String path) {
    FakeNvml fake = LibraryLoader.create(FakeNvml.class).failImmediately().load(path);
    fake.fakeNvmlReset();
    fake.fakeNvmlUseManualClock();
    return fake;
  }
}
