package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The safety layer (every class of {@code io.carbongovernor.gpu} itself: clamping, ledger,
 * read-back, operator yield, shadow, per-GPU isolation, the backend registry) knows no vendor. A
 * vendor lives in its own sub-package, reached only through {@link GpuBackend} and {@link
 * GpuFault}. Checked on the compiled classes, whose constant pools name every class, method and
 * string they use, so neither an import nor a fully qualified name nor a vendor's code string
 * slips through.
 */
class SafetyLayerIsVendorNeutralTest {

  /** A class of a vendor sub-package, or a vendor's name for its library or its codes. */
  private static final Pattern VENDOR = Pattern.compile(
      "io/carbongovernor/gpu/[a-z][a-z0-9]*/|io\\.carbongovernor\\.gpu\\.[a-z][a-z0-9]*\\."
          + "|(?i:nvml|amdsmi|amd_smi|rocm_smi|rsmi_)");

  @Test
  void noSafetyLayerClassRefersToAVendor() throws IOException, URISyntaxException {
    List<Path> classes = safetyLayerClasses();
    assertThat(classes).extracting(p -> p.getFileName().toString())
        .contains("GuardedGpuControl.class", "Ledger.class", "GpuException.class", "LimitOutcome.class");
    List<String> found = new ArrayList<>();
    for (Path c : classes) {
      Matcher m = VENDOR.matcher(new String(Files.readAllBytes(c), StandardCharsets.ISO_8859_1));
      while (m.find()) {
        found.add(c.getFileName() + ": " + m.group());
      }
    }
    assertThat(found).as("vendor references in the safety layer").isEmpty();
  }

  @Test
  void everyRegisteredBackendLivesInItsOwnPackage() {
    assertThat(GpuBackends.all()).isNotEmpty().allSatisfy(b -> {
      String pkg = b.getClass().getPackageName();
      assertThat(pkg).startsWith("io.carbongovernor.gpu.").isNotEqualTo(GpuBackend.class.getPackageName());
    });
  }

  /** The compiled classes of io.carbongovernor.gpu, not of its sub-packages. */
  private static List<Path> safetyLayerClasses() throws IOException, URISyntaxException {
    Path root = Path.of(GuardedGpuControl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path dir = root.resolve("io/carbongovernor/gpu");
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
    }
  }
}
