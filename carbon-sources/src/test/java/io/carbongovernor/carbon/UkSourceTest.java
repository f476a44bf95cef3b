package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UkSourceTest extends HttpSourceTest {

  final MovableClock clock = new MovableClock("2018-01-20T12:40:00Z");

  CarbonSource national() {
    return CarbonSources.uk(endpoint("uk"), Optional.empty(), clock);
  }

  @Test
  void currentIsTheActualValueOfTheLatestHalfHour() {
    wm.stubFor(get(urlPathEqualTo("/intensity")).willReturn(okJson(Fixtures.body("uk/intensity.json"))));
    assertThat(national().current("GB")).isEqualTo(
        new CarbonSignal("GB", Instant.parse("2018-01-20T12:00:00Z"), Instant.parse("2018-01-20T12:30:00Z"),
            CarbonIntensity.gramsPerKwh(263), SignalKind.AVERAGE, "uk", false));
  }

  @Test
  void forecastAsksFromTheSlotPlusOneMinuteAndTakesForecastWhereActualIsNull() {
    clock.set("2018-01-20T12:10:00Z");
    wm.stubFor(get(urlPathEqualTo("/intensity/2018-01-20T12:01Z/fw48h")).willReturn(okJson(Fixtures.body("uk/fw48h.json"))));
    List<CarbonSignal> f = national().forecast("GB", Duration.ofHours(48));
    assertThat(f).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(259.0, 248.0, 231.0);
    assertThat(f).allSatisfy(s -> {
      assertThat(s.estimated()).isTrue();
      assertThat(s.length()).isEqualTo(Duration.ofMinutes(30));
    });
  }

  @Test
  void aShortHorizonUsesTheDayEndpoint() {
    clock.set("2018-01-20T12:35:00Z");
    wm.stubFor(get(urlPathEqualTo("/intensity/2018-01-20T12:31Z/fw24h")).willReturn(okJson(Fixtures.body("uk/fw48h.json"))));
    assertThat(national().forecast("GB", Duration.ofMinutes(50))).extracting(CarbonSignal::start)
        .containsExactly(Instant.parse("2018-01-20T13:00:00Z"));
  }

  @Test
  void whenTheLatestHalfHourIsMissingTheForecastOfTheCurrentSlotServes() {
    clock.set("2018-01-20T12:40:00Z");
    wm.stubFor(get(urlPathEqualTo("/intensity")).willReturn(okJson("{\"data\":[]}")));
    wm.stubFor(get(urlPathEqualTo("/intensity/2018-01-20T12:31Z/fw24h")).willReturn(okJson(Fixtures.body("uk/fw48h.json"))));
    CarbonSignal s = national().current("GB");
    assertThat(s.start()).isEqualTo(Instant.parse("2018-01-20T12:30:00Z"));
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(259);
    assertThat(s.estimated()).isTrue();
  }

  @Test
  void aRegionByIdReadsTheArrayShapedAnswer() {
    wm.stubFor(get(urlPathEqualTo("/regional/regionid/13")).willReturn(okJson(Fixtures.body("uk/regional_regionid.json"))));
    CarbonSignal s = CarbonSources.uk(endpoint("uk-london"), Optional.of("13"), clock).current("GB");
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(198);
    assertThat(s.estimated()).as("regions publish forecasts only").isTrue();
    assertThat(s.source()).isEqualTo("uk-london");
  }

  @Test
  void aRegionByPostcodeReadsTheObjectShapedRange() {
    clock.set("2023-01-02T00:00:00Z");
    wm.stubFor(get(urlPathEqualTo("/regional/intensity/2022-12-31T23:00Z/2023-01-01T01:00Z/postcode/BS7"))
        .willReturn(okJson(Fixtures.body("uk/regional_range_postcode.json"))));
    List<CarbonSignal> h = CarbonSources.uk(endpoint("uk"), Optional.of("bs7"), clock)
        .history("GB", Instant.parse("2022-12-31T23:00:00Z"), Instant.parse("2023-01-01T01:00:00Z"));
    assertThat(h).containsExactly(
        new CarbonSignal("GB", Instant.parse("2022-12-31T23:30:00Z"), Instant.parse("2023-01-01T00:00:00Z"),
            CarbonIntensity.gramsPerKwh(152), SignalKind.AVERAGE, "uk", true));
  }

  @Test
  void nationalHistoryIsAskedFourteenDaysAtATime() {
    clock.set("2018-03-01T00:00:00Z");
    wm.stubFor(get(urlPathEqualTo("/intensity/2018-01-01T00:00Z/2018-01-15T00:00Z")).willReturn(okJson("{\"data\":[]}")));
    wm.stubFor(get(urlPathEqualTo("/intensity/2018-01-15T00:00Z/2018-01-21T00:00Z")).willReturn(okJson(Fixtures.body("uk/fw48h.json"))));
    List<CarbonSignal> h = national().history("GB", Instant.parse("2018-01-01T00:00:00Z"), Instant.parse("2018-01-21T00:00:00Z"));
    assertThat(h).hasSize(4);
    wm.verify(1, getRequestedFor(urlPathEqualTo("/intensity/2018-01-01T00:00Z/2018-01-15T00:00Z")));
  }

  @Test
  void aRegionThatIsNeitherIdNorPostcodeIsRefused() {
    assertThatThrownBy(() -> CarbonSources.uk(endpoint("uk"), Optional.of("18"), clock))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uk region must be a region id 1 to 17 or an outward postcode like RG10, got '18'");
  }
}
