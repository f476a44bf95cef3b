package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Python package's own unit tests ({@code clients/python/tests/test_*.py}, standard library
 * unittest), run by the build under Debian's Python, the one the package ships for.
 */
class PythonClientSuiteTest {

  @Test
  void thePythonUnitTestsPass() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("/usr/bin/python3", "-m", "unittest", "discover", "-s", "tests", "-t", ".")
            .directory(PythonClient.HOME.toFile())
            .redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_") || k.startsWith("CARBON_GOVERNOR_"));
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).containsPattern("Ran [1-9][0-9]* tests").contains("OK");
  }
}
