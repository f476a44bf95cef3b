package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.ZeusProfiles;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of an in-process daemon on the demo configuration: the figures it serves
 * are the ones the daemon decided, set and recorded in its history.
 */
class MetricsEndpointTest {

  private static final Path DEMO = Path.of("..", "config", "demo.yaml");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant T0 = Instant.parse("2026-10-03T13:30:00Z"); // 302.44 g/kWh: 60 %

  @TempDir Path dir;

  private GovernorConfig demoConfig() throws Exception {
    String yaml =
        Files.readString(DEMO)
            .replace("state-dir: ../state", "state-dir: " + dir.resolve("state"))
            .replace("file: ../traces/", "file: " + DEMO.getParent().resolve("../traces").toAbsolutePath() + "/")
            .replace("teams-dir: teams.d", "teams-dir: " + DEMO.getParent().resolve("teams.d").toAbsolutePath())
            .replace("listen: 127.0.0.1:9464", "listen: 127.0.0.1:0")
            .replace("socket: ../state/run/api.sock", "socket: " + dir.resolve("state/run/api.sock"));
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, yaml);
    return ConfigLoader.load(file, FileChecks.CHECK);
  }

  private static HttpResponse<String> get(Daemon daemon, String accept) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.apiAddress().getPort() + "/metrics"));
    if (accept != null) {
      request.header("Accept", accept);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void sampleAt(Daemon daemon, MutableClock clock, Instant at) throws InterruptedException {
    clock.set(at);
    long before = daemon.sampler().completed();
    daemon.triggerSample();
    assertThat(daemon.sampler().awaitPasses(before + 1, WAIT)).isTrue();
  }

  @Test
  void theScrapeShowsWhatTheDaemonDecidedSetAndRecorded() throws Exception {
    GovernorConfig config = demoConfig();
    MutableClock clock = new MutableClock(T0);
    SimulatedGpuControl gpus =
        SimulatedGpus.create("a40", 4, ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256), clock);
    Daemon daemon = Daemon.start(config, clock, new OutlivingGpus(gpus));
    String text;
    String openMetrics;
    try {
      assertThat(daemon.loop().awaitTicks(1, WAIT)).isTrue();
      sampleAt(daemon, clock, T0);
      sampleAt(daemon, clock, T0.plusSeconds(10));
      assertThat(daemon.reload()).isTrue();

      HttpResponse<String> response = get(daemon, null);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
      text = response.body();
      openMetrics = get(daemon, "application/openmetrics-text; version=1.0.0; charset=utf-8").body();
    } finally {
      daemon.stop();
    }

    assertThat(text)
        .containsPattern("carbon_governor_grid_intensity_grams_per_kwh\\{kind=\"average\",source=\"[^\"]+\","
            + "zone=\"US-CAL-CISO\"} 302.44\n")
        .contains("carbon_governor_fail_safe_engaged 0.0\n")
        .contains("carbon_governor_decisions_total{outcome=\"applied\",policy=\"bands\"} 4.0\n")
        .contains("carbon_governor_ticks_total{result=\"completed\"} 1.0\n")
        .contains("carbon_governor_config_reloads_total{result=\"applied\"} 1.0\n")
        .contains("carbon_governor_source_up{source=")
        .contains("carbon_governor_history_write_failures_total{cause=\"disk_full\"} 0.0\n")
        .contains("jvm_memory_used_bytes{area=\"heap\"}");
    for (Gpu gpu : gpus.gpus()) {
      String labels = "{UUID=\"" + gpu.uuid() + "\",gpu=\"" + gpu.index() + "\"}";
      assertThat(text)
          .contains("carbon_governor_gpu_power_limit_watts" + labels + " 180.0\n")
          .contains("carbon_governor_gpu_original_power_limit_watts" + labels + " 300.0\n");
      assertThat(value(text, "carbon_governor_gpu_energy_joules_total" + labels))
          .isCloseTo(recorded(config, "SELECT sum(energy_mj) / 1000.0 FROM energy_raw WHERE gpu_uuid = ?", gpu.uuid()),
              within(1e-6))
          .isPositive();
    }
    assertThat(value(text, "carbon_governor_team_emissions_grams_total{team=\"(default)\"}"))
        .isCloseTo(recorded(config, "SELECT sum(emissions_g) FROM energy_raw WHERE team = ?", "(default)"), within(1e-9))
        .isPositive();
    assertThat(value(text, "carbon_governor_team_baseline_emissions_grams_total{team=\"(default)\"}"))
        .isGreaterThan(value(text, "carbon_governor_team_emissions_grams_total{team=\"(default)\"}"));
    // A scraper that asks for OpenMetrics gets it.
    assertThat(openMetrics).contains("# UNIT carbon_governor_gpu_energy_joules joules\n").endsWith("# EOF\n");
  }

  private static double recorded(GovernorConfig config, String sql, String arg) throws Exception {
    try (Connection db = DriverManager.getConnection(config.history().url());
        PreparedStatement st = db.prepareStatement(sql)) {
      st.setString(1, arg);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getDouble(1);
      }
    }
  }

  private static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    if (!m.find()) {
      throw new AssertionError("no series " + series + " in:\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }
}
