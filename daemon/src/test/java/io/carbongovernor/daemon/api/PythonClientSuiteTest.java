package io.carbongovernor.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python package under Debian's python3, the one the .deb ships it for: its own unit tests
 * ({@code clients/python/tests/test_*.py}, standard library unittest) and its offline install.
 */
class PythonClientSuiteTest {

  private static final String PYTHON = "/usr/bin/python3";

  @TempDir Path dir;

  @Test
  void thePythonUnitTestsPass() throws Exception {
    Result r = run(PythonClient.HOME, Map.of(), PYTHON, "-m", "unittest", "discover", "-s", "tests", "-t", ".");
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out()).containsPattern("Ran [1-9][0-9]* tests").contains("OK");
  }

  /**
   * {@code pip install --no-build-isolation --no-index} of a copy of clients/python, in a virtual
   * environment that sees the system's setuptools: no network, no build dependency to fetch.
   */
  @Test
  void thePackageInstallsOfflineWithPipAndItsCommandRuns() throws Exception {
    Path src = Files.createDirectories(dir.resolve("src/carbon_governor"));
    Files.copy(PythonClient.HOME.resolve("pyproject.toml"), dir.resolve("src/pyproject.toml"));
    try (Stream<Path> files = Files.list(PythonClient.HOME.resolve("carbon_governor"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, src.resolve(f.getFileName()));
      }
    }
    Path venv = dir.resolve("venv");
    Result made = run(dir, Map.of(), PYTHON, "-m", "venv", "--system-site-packages", "--without-pip", venv.toString());
    assertThat(made.exit()).as(made.out()).isZero();
    Result pip = run(dir, Map.of(), venv.resolve("bin/python").toString(), "-m", "pip", "install",
        "--no-build-isolation", "--no-index", dir.resolve("src").toString());
    assertThat(pip.exit()).as(pip.out()).isZero();
    assertThat(pip.out()).contains("Successfully installed carbon-governor-0.1.0");

    Path site;
    try (Stream<Path> lib = Files.list(venv.resolve("lib"))) {
      site = lib.findFirst().orElseThrow().resolve("site-packages/carbon_governor");
    }
    assertThat(site.resolve("py.typed")).isRegularFile();
    assertThat(site.resolve("job.py")).isRegularFile();

    Result status = run(dir, Map.of(), venv.resolve("bin/carbon-governor-client").toString(),
        "--socket", dir.resolve("none.sock").toString(), "status");
    assertThat(status.exit()).as(status.out()).isEqualTo(1);
    assertThat(status.out()).contains("cannot reach the daemon at unix:" + dir.resolve("none.sock"));
    Result module = run(dir, Map.of(), venv.resolve("bin/python").toString(), "-m", "carbon_governor", "--help");
    assertThat(module.exit()).as(module.out()).isZero();
    assertThat(module.out()).contains("usage: carbon-governor-client");
  }

  private record Result(int exit, String out) {}

  private static Result run(Path cwd, Map<String, String> env, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(command)).directory(cwd.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_") || k.startsWith("CARBON_GOVERNOR_")
        || k.startsWith("PIP_") || k.equals("PYTHONPATH"));
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), out);
  }
}
