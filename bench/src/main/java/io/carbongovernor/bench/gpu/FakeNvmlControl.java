package io.carbongovernor.bench.gpu;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;

/**
 * The two test exports of the fake libnvidia-ml.so.1 (gpu-control/src/test/native/fake_nvml.c)
 * the benchmarks need: back to defaults, and how many GPUs.
 */
public interface FakeNvmlControl {

  void fakeNvmlReset();

  void fakeNvmlSetDeviceCount(int count);

  /**
   * The fake's path: system property {@code fake-nvml.library}, else where gpu-control's test build
   * puts it next to this module.
   */
  static String path() {
    String configured = System.getProperty("fake-nvml.library");
    Path p;
    if (configured != null) {
      p = Path.of(configured);
    } else {
      try {
        Path classes = Path.of(FakeNvmlControl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        p = classes.resolve("../../../gpu-control/target/native/libnvidia-ml.so.1").normalize();
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!Files.isRegularFile(p)) {
      throw new IllegalStateException("fake NVML not found at " + p + "; build it with `mvn -B -q -DskipTests package` "
          + "(gpu-control's test build compiles it) or pass -Dfake-nvml.library=PATH");
    }
    return p.toAbsolutePath().toString();
  }

  /** {@code count} fake GPUs, freshly reset. */
  static FakeNvmlControl load(String path, int count) {
    FakeNvmlControl fake = LibraryLoader.create(FakeNvmlControl.class).failImmediately().load(path);
    fake.fakeNvmlReset();
    fake.fakeNvmlSetDeviceCount(count);
    return fake;
  }
}
