package io.carbongovernor.gpu.amdsmi;

import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.types.u_int64_t;

/**
 * The test-only exports of the fake libamd_smi.so (src/test/native/fake_amdsmi.c). Loaded from the
 * same absolute path as the production binding, so both see the same GPUs. Powers in microwatts,
 * as AMD SMI counts them; draw in watts.
 */
public interface FakeAmdSmi {

  /** {@code AMDSMI_STATUS_NO_PERM}. */
  int NO_PERM = 10;

  void fakeAmdsmiReset();

  void fakeAmdsmiUseStateFile(String path);

  void fakeAmdsmiSetDeviceCount(int count);

  /** Injects {@code code} for {@code count} calls of {@code function} (-1: forever; 0: remove). */
  void fakeAmdsmiFail(String function, int code, int count);

  void fakeAmdsmiFailDevice(String function, int index, int code, int count);

  void fakeAmdsmiSetLost(int index, int lost);

  void fakeAmdsmiSetDraw(int index, int watts);

  /** As {@code amd-smi set --power-cap} would: not counted as a set call. */
  void fakeAmdsmiSetCapExternally(int index, @u_int64_t long microwatts);

  void fakeAmdsmiSetCapRange(int index, @u_int64_t long min, @u_int64_t long max, @u_int64_t long defaultCap);

  void fakeAmdsmiSetName(int index, String name);

  /** {@code SPX} or {@code CPX} (8 processors on the GPU's socket). */
  void fakeAmdsmiSetPartition(int index, String mode);

  void fakeAmdsmiSetEnergySupported(int index, int supported);

  void fakeAmdsmiAddProcess(int index, int pid, long memory);

  void fakeAmdsmiUseManualClock();

  void fakeAmdsmiAdvanceMs(long ms);

  int fakeAmdsmiRefcount();

  int fakeAmdsmiSetCalls(int index);

  @u_int64_t
  long fakeAmdsmiCap(int index);

  /** The fake built by the test build; its path comes from surefire. */
  static String path() {
    String p = System.getProperty("fake-amdsmi.library");
    if (p == null || !Files.isRegularFile(Path.of(p))) {
      throw new IllegalStateException("fake AMD SMI not built: system property fake-amdsmi.library = " + p
          + " (the test build compiles src/test/native/fake_amdsmi.c with gcc)");
    }
    return p;
  }

  /** The backdoor of the fake at {@code path}, reset to its defaults with a manual clock. */
  static FakeAmdSmi load(String path) {
    FakeAmdSmi fake = LibraryLoader.create(FakeAmdSmi.class).failImmediately().load(path);
    fake.fakeAmdsmiReset();
    fake.fakeAmdsmiUseManualClock();
    return fake;
  }
}
