package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import io.carbongovernor.carbon.ElectricityMapsOptions.Coordinates;
import io.carbongovernor.carbon.ElectricityMapsOptions.EmissionFactor;
import io.carbongovernor.carbon.ElectricityMapsOptions.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ElectricityMapsSourceTest extends HttpSourceTest {

  final MovableClock clock = new MovableClock("2024-11-28T15:20:00Z");

  CarbonSource source(ElectricityMapsOptions options) {
    return CarbonSources.electricityMaps(endpoint("electricitymaps"), Secrets.EM_TOKEN, options, clock);
  }

  @Test
  void latestSendsTheTokenHeaderAndNeverLetsTheApiGuessTheZone() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(Fixtures.body("electricitymaps/latest.json"))));
    CarbonSignal s = source(ElectricityMapsOptions.defaults()).current("BE");

    assertThat(s).isEqualTo(
        new CarbonSignal("BE", Instant.parse("2024-11-28T15:00:00Z"), Instant.parse("2024-11-28T16:00:00Z"),
            CarbonIntensity.gramsPerKwh(214), SignalKind.AVERAGE, "electricitymaps", true));
    wm.verify(
        getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/latest"))
            .withHeader("auth-token", equalTo(Secrets.EM_TOKEN))
            .withQueryParam("zone", equalTo("BE"))
            .withQueryParam("shouldUseFallbackCallerLookup", equalTo("false"))
            .withQueryParam("emissionFactorType", equalTo("direct")));
  }

  @Test
  void version4AndLifecycleFactorAndCoordinates() {
    wm.stubFor(get(urlPathEqualTo("/v4/carbon-intensity/latest")).willReturn(okJson(Fixtures.body("electricitymaps/latest_direct.json"))));
    var options = new ElectricityMapsOptions(Version.V4, EmissionFactor.LIFECYCLE, Optional.of(new Coordinates(41.88, -87.63)));
    CarbonSignal s = source(options).current("ignored-when-coordinates-given");

    assertThat(s.zone()).isEqualTo("US-MIDW-MISO");
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(506);
    wm.verify(
        getRequestedFor(urlPathEqualTo("/v4/carbon-intensity/latest"))
            .withQueryParam("lat", equalTo("41.88"))
            .withQueryParam("lon", equalTo("-87.63"))
            .withQueryParam("zone", absent())
            .withQueryParam("shouldUseFallbackCallerLookup", equalTo("false"))
            .withQueryParam("emissionFactorType", equalTo("lifecycle")));
  }

  @Test
  void floatValuesAreKept() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(Fixtures.body("electricitymaps/latest_float.json"))));
    CarbonSignal s = source(ElectricityMapsOptions.defaults()).current("FR");
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(58.765447504659946);
    assertThat(s.estimated()).isFalse();
  }

  @Test
  void whenLatestHasNoValueTheForecastOfTheCurrentSlotServes() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(okJson(Fixtures.body("electricitymaps/latest_null.json"))));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(Fixtures.body("electricitymaps/forecast.json"))));
    CarbonSignal s = source(ElectricityMapsOptions.defaults()).current("DK-DK2");
    assertThat(s.start()).isEqualTo(Instant.parse("2024-11-28T15:00:00Z"));
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(326);
    assertThat(s.estimated()).isTrue();
  }

  @Test
  void whenLatestIsDownTheForecastServes() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest")).willReturn(com.github.tomakehurst.wiremock.client.WireMock.serverError()));
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(Fixtures.body("electricitymaps/forecast.json"))));
    assertThat(source(ElectricityMapsOptions.defaults()).current("DK-DK2").intensity().gramsPerKwh()).isEqualTo(326);
  }

  @Test
  void aBadKeyIsNotMaskedByTheForecast() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/latest"))
        .willReturn(com.github.tomakehurst.wiremock.client.WireMock.unauthorized().withBody(Fixtures.body("electricitymaps/error_401.json"))));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source(ElectricityMapsOptions.defaults()).current("BE"));
    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).isEqualTo("electricitymaps: GET /v3/carbon-intensity/latest: HTTP 401 (Invalid auth-token)");
    wm.verify(exactly(0), getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/forecast")));
  }

  @Test
  void forecastHoldsTheSlotsAfterTheCurrentOneWithinTheHorizonWithoutNulls() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/forecast")).willReturn(okJson(Fixtures.body("electricitymaps/forecast.json"))));
    List<CarbonSignal> f = source(ElectricityMapsOptions.defaults()).forecast("DK-DK2", Duration.ofMinutes(210));
    // 15:00 is current, 17:00 is null, 19:00 starts after now + 3.5 h.
    assertThat(f).extracting(CarbonSignal::start).containsExactly(
        Instant.parse("2024-11-28T16:00:00Z"), Instant.parse("2024-11-28T18:00:00Z"));
    assertThat(f).allSatisfy(s -> {
      assertThat(s.estimated()).isTrue();
      assertThat(s.length()).isEqualTo(Duration.ofHours(1));
    });
  }

  @Test
  void recentHistoryComesFromTheHistoryEndpoint() {
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/history")).willReturn(okJson(Fixtures.body("electricitymaps/history.json"))));
    List<CarbonSignal> h = source(ElectricityMapsOptions.defaults())
        .history("DE", Instant.parse("2024-11-28T11:30:00Z"), Instant.parse("2024-11-28T14:00:00Z"));
    // 11:00 overlaps the range, 12:00 is null, 14:00 starts at its end.
    assertThat(h).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(401.0, 388.0);
  }

  @Test
  void olderHistoryComesFromPastRangeTenDaysAtATime() {
    clock.set("2019-06-30T00:00:00Z");
    wm.stubFor(get(urlPathEqualTo("/v3/carbon-intensity/past-range")).willReturn(okJson(Fixtures.body("electricitymaps/past_range.json"))));
    List<CarbonSignal> h = source(ElectricityMapsOptions.defaults())
        .history("DE", Instant.parse("2019-05-12T00:00:00Z"), Instant.parse("2019-05-27T00:00:00Z"));
    assertThat(h).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(339.0, 317.0);
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/past-range"))
        .withQueryParam("start", equalTo("2019-05-12T00:00:00Z")).withQueryParam("end", equalTo("2019-05-22T00:00:00Z")));
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/carbon-intensity/past-range"))
        .withQueryParam("start", equalTo("2019-05-22T00:00:00Z")).withQueryParam("end", equalTo("2019-05-27T00:00:00Z")));
  }
}
