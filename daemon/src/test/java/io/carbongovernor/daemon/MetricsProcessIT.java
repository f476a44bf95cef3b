package io.carbongovernor.daemon;

import static io.carbongovernor.daemon.testing.ChildProcesses.WAIT_SECONDS;
import static io.carbongovernor.daemon.testing.ChildProcesses.awaitLine;
import static io.carbongovernor.daemon.testing.ChildProcesses.lines;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real scrape of the packaged daemon, and the shipped alert rules, checked by Prometheus's own
 * {@code promtool} (Debian package {@code prometheus}; .ci/run installs it where missing).
 */
class MetricsProcessIT {

  private static final Path JAR = Path.of(System.getProperty("carbon-governor.jar"));
  private static final Path RULES = Path.of("..", "ops", "prometheus").toAbsolutePath().normalize();
  private static final Pattern LISTEN = Pattern.compile("local API listening listen=\"?[^\"\\s]*:(\\d+)");

  @TempDir Path dir;

  private final List<Process> started = new ArrayList<>();

  /** A failed assertion must not leave a daemon running. */
  @AfterEach
  void killLeftovers() {
    started.forEach(Process::destroyForcibly);
  }

  private static Path promtool() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError(
        "promtool is not on PATH; install it with `apt-get install prometheus` (Debian/Ubuntu), as .ci/run does");
  }

  /** Runs promtool; returns its exit code and output together. */
  private static Result promtool(Path workDir, Path stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(promtool().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("promtool exits").isTrue();
    return new Result(p.exitValue(), out);
  }

  private record Result(int code, String output) {}

  private Path config() throws IOException {
    return TestDaemonConfig.write(dir, "interval: 1h", "sample-every: 1s");
  }

  /** Scrapes until the sampler has accounted energy (two passes), so every family has series. */
  private static String scrapeWithEnergy(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    String body = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      body = response.body();
      // A scrape collects one family after another while the sampler runs: one that overlaps the
      // first accounting can hold the team counters (collected last) but not the GPU's. Wait for both.
      if (body.contains("carbon_governor_gpu_energy_joules_total{")
          && body.contains("carbon_governor_team_emissions_grams_total{")) {
        return body;
      }
      Thread.sleep(200); // a real process samples on its own schedule (1 s here)
    }
    throw new AssertionError("no accounted energy within " + WAIT_SECONDS + " s; last scrape:\n" + body);
  }

  @Test
  void aRunningDaemonsScrapePassesPromtoolCheckMetrics() throws Exception {
    promtool(); // fail first, and clearly, without promtool
    List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", JAR.toString(),
        "run", "--config", config().toString());
    Process daemon = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    started.add(daemon);
    BlockingQueue<String> out = lines(daemon);
    int port = Integer.parseInt(awaitLine(out, LISTEN).group(1));

    String scrape = scrapeWithEnergy(port);
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, scrape);
    Result check = promtool(dir, file, "check", "metrics");
    assertThat(check.code()).as("promtool check metrics:\n" + check.output() + "\non:\n" + scrape).isZero();
    assertThat(check.output()).isBlank();
    assertThat(scrape)
        .contains("carbon_governor_gpu_power_limit_watts{UUID=\"GPU-")
        .contains("carbon_governor_gpu_energy_joules_total{UUID=\"GPU-")
        .contains("carbon_governor_decisions_total{outcome=\"applied\",policy=\"static\"} 2.0")
        .contains("jvm_threads_current");

    daemon.toHandle().destroy(); // SIGTERM: restore and exit 0
    assertThat(daemon.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    assertThat(daemon.exitValue()).isZero();
  }

  @Test
  void theShippedAlertRulesPassPromtoolAndTheirUnitTests() throws Exception {
    Result check = promtool(RULES, null, "check", "rules", "carbon-governor-alerts.yaml");
    assertThat(check.code()).as(check.output()).isZero();
    assertThat(check.output()).contains("SUCCESS: 8 rules found");

    Result test = promtool(RULES, null, "test", "rules", "carbon-governor-alerts.test.yaml");
    assertThat(test.code()).as(test.output()).isZero();
    assertThat(test.output()).contains("SUCCESS");

    Result config = promtool(RULES, null, "check", "config", "prometheus.yml");
    assertThat(config.code()).as(config.output()).isZero();
  }
}
