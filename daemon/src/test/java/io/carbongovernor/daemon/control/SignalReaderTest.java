package io.carbongovernor.daemon.control;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tick's view of the carbon sources: built from a real config (a token from the environment),
 * over real HTTP against WireMock, with a plain trace as the last resort.
 */
class SignalReaderTest {

  static final String TOKEN = "em-SECRET-reader-5e6f";

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().containerThreads(20)).build();

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2024-11-28T15:20:00Z"));

  /** A budget no prompt answer reaches on a loaded machine: it bounds a wait, it is not a speed. */
  static final String GENEROUS = "30s";

  SignalReader reader(String budget, String emZone) throws Exception {
    Files.writeString(dir.resolve("trace.csv"),
        "time,value\n2024-11-28T14:00:00Z,150\n2024-11-28T15:00:00Z,160\n2024-11-28T16:00:00Z,170\n");
    Files.createDirectories(dir.resolve("teams.d"));
    Path file = dir.resolve("governor.yaml");
    Files.writeString(file, String.join("\n",
        "zone: BE",
        "teams-dir: teams.d",
        "carbon:",
        "  max-age: 1h",
        "  fetch-budget: " + budget,
        "  sources:",
        "    - {type: electricitymaps, token-env: EM_TOKEN, base-url: '" + wm.baseUrl() + "', timeout: 5s"
            + (emZone == null ? "" : ", zone: " + emZone) + "}",
        "    - {type: trace, file: trace.csv, timing: absolute}",
        ""));
    GovernorConfig config = ConfigLoader.load(file, FileChecks.CHECK, Map.of("EM_TOKEN", TOKEN));
    List<SignalReader.Configured> sources = config.carbon().sources().stream()
        .map(s -> new SignalReader.Configured(s, CarbonSourceFactory.create(s, clock))).toList();
    return new SignalReader(sources, config.zone(), config.carbon().maxAge(), config.carbon().fetchBudget(),
        Duration.ofHours(24), clock);
  }

  static String latest() {
    return "{\"zone\":\"BE\",\"carbonIntensity\":214,\"datetime\":\"2024-11-28T15:00:00.000Z\","
        + "\"updatedAt\":\"2024-11-28T14:46:10.233Z\",\"createdAt\":\"2024-11-25T15:43:23.481Z\","
        + "\"emissionFactorType\":\"lifecycle\",\"isEstimated\":true,\"estimationMethod\":\"TIME_SLICER_AVERAGE\"}";
  }

  static String forecast() {
    return "{\"zone\":\"BE\",\"forecast\":[{\"carbonIntensity\":214,\"datetime\":\"2024-11-28T15:00:00.000Z\"},"
        + "{\"carbonIntensity\":201,\"datetime\":\"2024-11-28T16:00:00.000Z\"}],\"updatedAt\":\"2024-11-28T15:05:00.000Z\"}";
  }

  @Test
  void theFirstSourceAnswersWithItsForecastAndItsTokenFromTheConfig() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(latest())));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(forecast())));
    try (SignalReader reader = reader(GENEROUS, "BE")) {
      SignalReading r = reader.read(clock.instant());
      assertThat(r.current()).get().satisfies(s -> {
        assertThat(s.source()).isEqualTo("electricitymaps");
        assertThat(s.intensity().gramsPerKwh()).isEqualTo(214);
      });
      assertThat(r.forecast()).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(201.0);
      // A second tick is served from the cache.
      reader.read(clock.instant());
      wm.verify(1, getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest")));
      wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest")).withHeader("auth-token", equalTo(TOKEN)));
      assertThat(reader.health()).extracting(SourceHealth::source).containsExactly("electricitymaps", "trace");
      assertThat(reader.health().get(0).healthy()).isTrue();
    }
  }

  @Test
  void aSourcesOwnZoneIsWhatItIsAskedFor() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(latest().replace("\"BE\"", "\"FR\""))));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(forecast())));
    try (SignalReader reader = reader(GENEROUS, "FR")) {
      assertThat(reader.read(clock.instant()).current()).get().extracting(s -> s.zone()).isEqualTo("FR");
      wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest")).withQueryParam("zone", equalTo("FR")));
    }
  }

  @Test
  @Timeout(60) // a guard against hanging, not a speed assertion
  void aStalledProviderCostsTheTickNoMoreThanTheBudgetAndTheTraceAnswers() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(latest()).withFixedDelay(4_000)));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(forecast()).withFixedDelay(4_000)));
    try (SignalReader reader = reader("1s", null)) {
      SignalReading r = reader.read(clock.instant());
      assertThat(r.current()).get().satisfies(s -> {
        assertThat(s.source()).isEqualTo("trace");
        assertThat(s.intensity().gramsPerKwh()).isEqualTo(160);
      });
      assertThat(r.forecast()).extracting(s -> s.source()).containsOnly("trace");
    }
  }

  @Test
  void withNoFreshSignalTheFailSafeAppliesAndSaysWhy() throws Exception {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(aResponse().withStatus(401)
        .withBody("{\"error\":\"Invalid auth-token\"}")));
    clock.set(Instant.parse("2024-11-28T19:00:00Z")); // the trace ended 2 h ago; max-age is 1 h
    try (SignalReader reader = reader(GENEROUS, null)) {
      SignalReading r = reader.read(clock.instant());
      assertThat(r.current()).isEmpty();
      assertThat(r.failSafeReason()).get().asString()
          .startsWith("electricitymaps>trace: no fresh signal (electricitymaps: auth (electricitymaps: GET /v3/carbon-intensity/latest: HTTP 401 (Invalid auth-token))")
          .contains("trace: unavailable")
          .doesNotContain(TOKEN);
      assertThat(reader.health().get(0).consecutiveFailures()).isEqualTo(1);
    }
  }
}
