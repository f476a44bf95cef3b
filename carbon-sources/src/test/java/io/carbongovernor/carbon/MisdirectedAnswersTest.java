package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.carbongovernor.carbon.CarbonSourceException.Kind;
import io.carbongovernor.carbon.Endpoints.Endpoint;
import io.carbongovernor.carbon.Endpoints.Type;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Answers that are not for what was asked, over real HTTP: one that names another zone than the
 * one asked, at every endpoint whose answer names its zone, and a "latest" slot that starts far
 * in the future. Each is a bad response, and the fallback chain takes the next source.
 */
class MisdirectedAnswersTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  final ExecutorService executor = Executors.newCachedThreadPool();
  RecordingSleeper sleeper;
  LogCapture logs;

  @BeforeEach
  void setUp() {
    sleeper = new RecordingSleeper();
    logs = new LogCapture();
    wm.stubFor(get(urlPathEqualTo("/login")).willReturn(okJson(Fixtures.body("watttime/login.json"))));
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
    logs.close();
    Secrets.assertNoSecretIn(logs.text());
  }

  private Retry retry() {
    return new Retry(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30), sleeper, () -> 0.5);
  }

  private Provider provider(Type type, MovableClock clock) {
    return Endpoints.provider(type, URI.create(wm.baseUrl()), Timeouts.of(Duration.ofSeconds(5)), retry(), clock);
  }

  /** The national GB answers name no region, so they have nothing to compare. */
  static Stream<Endpoint> endpointsNamingTheirZone() {
    return Endpoints.all().stream().filter(e -> e.type() != Type.UK);
  }

  /** The endpoint's documented answer, changed to name another zone than the call asks for. */
  static String forAnotherZone(Endpoint e) {
    return switch (e.type()) {
      case ELECTRICITYMAPS -> e.okBody().replaceAll("\"zone\"\\s*:\\s*\"[^\"]*\"", "\"zone\": \"US-CAL-CISO\"");
      case WATTTIME -> e.okBody().replace("\"region\": \"CAISO_NORTH\"", "\"region\": \"PJM_DC\"");
      case UK_REGION -> e.okBody().replace("\"regionid\":13", "\"regionid\":7");
      // The first "location" is the forecast's own (the location asked), or the first row's.
      case CARBON_AWARE_SDK -> e.okBody().replaceFirst("\"location\": \"eastus\"", "\"location\": \"westus\"");
      // Every signal of a relay's document names its provider's zone; the first is the current one.
      case GOVERNOR -> e.okBody().replaceAll("\"zone\":\"DE\"", "\"zone\":\"FR\"");
      case UK -> throw new IllegalArgumentException("national answers name no region");
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpointsNamingTheirZone")
  void anAnswerForAnotherZoneIsABadResponse(Endpoint e) {
    String body = forAnotherZone(e);
    assertThat(body).as("the fixture changed").isNotEqualTo(e.okBody());
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(body)));

    CarbonSourceException f = catchThrowableOfType(
        CarbonSourceException.class, () -> e.call().apply(provider(e.type(), new MovableClock(e.now()))));
    assertThat(f).as("an answer for another zone must fail").isNotNull();
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("answer is for");
    wm.verify(1, getRequestedFor(urlPathEqualTo(e.path())));
  }

  @Test
  void oneHistoryRecordForAnotherZoneSpoilsTheAnswer() {
    String history = Fixtures.body("electricitymaps/history.json");
    int record = history.indexOf("\"zone\": \"DE\"", history.indexOf("\"history\""));
    String mixed = history.substring(0, record) + "\"zone\": \"FR\"" + history.substring(record + 12);
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/history")).willReturn(okJson(mixed)));
    Provider em = provider(Type.ELECTRICITYMAPS, new MovableClock("2024-11-28T15:20:00Z"));

    CarbonSourceException f = catchThrowableOfType(CarbonSourceException.class,
        () -> em.history("DE", Instant.parse("2024-11-28T09:00:00Z"), Instant.parse("2024-11-28T15:20:00Z")));
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("answer is for zone 'FR', not 'DE' as asked");
  }

  @Test
  void forecastRowsOfTwoUpstreamRegionsSpoilTheAnswer() {
    // The rows name the relay's upstream region, not the location asked: they must agree.
    String forecast = Fixtures.body("casdk/forecasts_current.json");
    int row = forecast.indexOf("\"location\": \"eastus\"", forecast.indexOf("\"forecastData\""));
    String mixed = forecast.substring(0, row) + "\"location\": \"PJM_DC\"" + forecast.substring(row + 20);
    wm.stubFor(get(urlPathEqualTo("/emissions/forecasts/current")).willReturn(okJson(mixed)));
    Provider sdk = provider(Type.CARBON_AWARE_SDK, new MovableClock("2022-06-01T12:58:00Z"));

    CarbonSourceException f =
        catchThrowableOfType(CarbonSourceException.class, () -> sdk.forecastFromNow("eastus", Duration.ofHours(1)));
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
  }

  /** A one-hour-slot trace of US-CAL-CISO around the clock of the fallback tests: 250 g. */
  private CarbonSource trace(MovableClock clock) {
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    List<CarbonTrace.Slot> slots = Stream.iterate(start, t -> t.plus(Duration.ofHours(1))).limit(24)
        .map(t -> new CarbonTrace.Slot(t, t.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(250), false))
        .toList();
    return CarbonSources.trace(CarbonTrace.of("US-CAL-CISO", slots), clock, TraceTiming.ABSOLUTE, "trace");
  }

  private CarbonSource chain(MovableClock clock) {
    HttpEndpoint endpoint = new HttpEndpoint("electricitymaps", URI.create(wm.baseUrl()), Timeouts.of(Duration.ofSeconds(5)), retry());
    CarbonSource em = CarbonSources.electricityMaps(endpoint, Secrets.EM_TOKEN, ElectricityMapsOptions.defaults(), clock);
    return CarbonSources.fallback(List.of(em, trace(clock)), clock, Duration.ofHours(2), Duration.ofSeconds(10), executor);
  }

  @Test
  void aSourceAnsweringForAnotherZoneIsPassedOverForTheNext() {
    MovableClock clock = new MovableClock("2026-03-01T10:10:00Z");
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(
        "{\"zone\":\"DE\",\"carbonIntensity\":999,\"datetime\":\"2026-03-01T10:00:00.000Z\",\"isEstimated\":false}")));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(
        "{\"zone\":\"DE\",\"forecast\":[{\"carbonIntensity\":999,\"datetime\":\"2026-03-01T10:00:00.000Z\"},"
            + "{\"carbonIntensity\":999,\"datetime\":\"2026-03-01T11:00:00.000Z\"}]}")));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/history")).willReturn(okJson(
        "{\"zone\":\"DE\",\"history\":[{\"zone\":\"DE\",\"carbonIntensity\":999,\"datetime\":\"2026-03-01T08:00:00.000Z\"}]}")));
    CarbonSource chain = chain(clock);

    CarbonSignal now = chain.current("US-CAL-CISO");
    assertThat(now.source()).isEqualTo("trace");
    assertThat(now.intensity().gramsPerKwh()).isEqualTo(250);
    assertThat(chain.forecast("US-CAL-CISO", Duration.ofHours(3)))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.source()).isEqualTo("trace"));
    assertThat(chain.history("US-CAL-CISO", Instant.parse("2026-03-01T08:00:00Z"), Instant.parse("2026-03-01T10:00:00Z")))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s.intensity().gramsPerKwh()).isEqualTo(250));
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest")).withQueryParam("zone", equalTo("US-CAL-CISO")));
  }

  @Test
  void aLatestSlotFarInTheFutureIsPassedOverForTheNext() {
    MovableClock clock = new MovableClock("2026-03-01T10:10:00Z");
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(
        "{\"zone\":\"US-CAL-CISO\",\"carbonIntensity\":999,\"datetime\":\"2026-03-01T13:00:00.000Z\"}")));

    CarbonSignal now = chain(clock).current("US-CAL-CISO");
    assertThat(now.source()).isEqualTo("trace");
  }

  /** The endpoints that give the current value, with their documented answers. */
  static Stream<Endpoint> latestEndpoints() {
    return Endpoints.all().stream().filter(e -> e.label().matches(
        "electricitymaps latest|watttime historical|uk intensity|uk regional current"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("latestEndpoints")
  void aLatestSlotStartingMoreThanAnHourAheadIsABadResponse(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.okBody())));
    MovableClock clock = new MovableClock(e.now());
    CarbonSource source = new ProviderCarbonSource(provider(e.type(), clock), clock);
    Instant start = source.current(zone(e)).start();

    // A clock behind the provider's by less than an hour is skew: the answer stands.
    clock.set(start.minus(Duration.ofMinutes(59)).toString());
    assertThat(source.current(zone(e)).start()).isEqualTo(start);

    clock.set(start.minus(Duration.ofMinutes(61)).toString());
    CarbonSourceException f = catchThrowableOfType(CarbonSourceException.class, () -> source.current(zone(e)));
    assertThat(f).as("a slot starting 61 minutes ahead must fail").isNotNull();
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("starts at " + start);
  }

  private static String zone(Endpoint e) {
    return switch (e.type()) {
      case ELECTRICITYMAPS -> "BE";
      case WATTTIME -> "CAISO_NORTH";
      default -> "GB";
    };
  }
}
