package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.noContent;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarbonAwareSdkSourceTest extends HttpSourceTest {

  final MovableClock clock = new MovableClock("2022-06-01T12:58:00Z");

  CarbonSource source(SignalKind kind) {
    return CarbonSources.carbonAwareSdk(endpoint("relay"), kind, clock);
  }

  @Test
  void currentIsTheNewestEmissionsRecordWithItsTimeSpanDuration() {
    wm.stubFor(get(urlPathEqualTo("/emissions/bylocation")).willReturn(okJson(Fixtures.body("casdk/bylocation.json"))));
    assertThat(source(SignalKind.MARGINAL).current("eastus")).isEqualTo(
        new CarbonSignal("eastus", Instant.parse("2022-06-01T12:55:00Z"), Instant.parse("2022-06-01T13:00:00Z"),
            CarbonIntensity.gramsPerKwh(371.25), SignalKind.MARGINAL, "relay", false));
    wm.verify(getRequestedFor(urlPathEqualTo("/emissions/bylocation"))
        .withQueryParam("location", equalTo("eastus"))
        .withQueryParam("time", equalTo("2022-06-01T10:58:00Z"))
        .withQueryParam("toTime", equalTo("2022-06-01T12:58:00Z")));
  }

  @Test
  void forecastReadsForecastDataWithDurationInMinutes() {
    wm.stubFor(get(urlPathEqualTo("/emissions/forecasts/current")).willReturn(okJson(Fixtures.body("casdk/forecasts_current.json"))));
    List<CarbonSignal> f = source(SignalKind.AVERAGE).forecast("eastus", Duration.ofMinutes(20));
    assertThat(f).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(375.12, 359.23, 362.4);
    assertThat(f).allSatisfy(s -> {
      assertThat(s.kind()).isEqualTo(SignalKind.AVERAGE);
      assertThat(s.length()).isEqualTo(Duration.ofMinutes(5));
    });
  }

  @Test
  void theDocumentedSingularOptimalDataPointShapeAlsoReads() {
    clock.set("2022-07-19T13:40:00Z");
    wm.stubFor(get(urlPathEqualTo("/emissions/forecasts/current")).willReturn(okJson(Fixtures.body("casdk/forecasts_current_docs.json"))));
    assertThat(source(SignalKind.MARGINAL).forecast("northeurope", Duration.ofHours(24)))
        .extracting(CarbonSignal::start)
        .containsExactly(Instant.parse("2022-07-19T14:00:00Z"), Instant.parse("2022-07-20T04:25:00Z"));
  }

  @Test
  void noContentMeansNoSignalNowAndEmptyHistory() {
    wm.stubFor(get(urlPathEqualTo("/emissions/bylocation")).willReturn(noContent()));
    wm.stubFor(get(urlPathEqualTo("/emissions/forecasts/current")).willReturn(noContent()));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source(SignalKind.MARGINAL).current("eastus"));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(source(SignalKind.MARGINAL).history("eastus", Instant.parse("2022-06-01T00:00:00Z"), Instant.parse("2022-06-01T12:00:00Z"))).isEmpty();
  }

  @Test
  void anUpstreamThatCannotForecastIsUnavailableNotRetried() {
    wm.stubFor(get(urlPathEqualTo("/emissions/forecasts/current")).willReturn(aResponse().withStatus(501)
        .withBody("{\"title\":\"NotImplementedException\",\"status\":501,\"detail\":\"forecast not supported\"}")));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source(SignalKind.MARGINAL).forecast("eastus", Duration.ofHours(1)));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).contains("HTTP 501 (NotImplementedException: forecast not supported)");
    wm.verify(1, getRequestedFor(urlPathEqualTo("/emissions/forecasts/current")));
  }

  @Test
  void timeSpansWithDaysAndFractionsParse() {
    var json = tools.jackson.databind.json.JsonMapper.builder().build();
    assertThat(CarbonAwareSdkProvider.timeSpan(json.readTree("\"1.02:30:00\""))).contains(Duration.ofHours(26).plusMinutes(30));
    assertThat(CarbonAwareSdkProvider.timeSpan(json.readTree("\"00:05:00.0000000\""))).contains(Duration.ofMinutes(5));
    assertThat(CarbonAwareSdkProvider.timeSpan(json.readTree("\"5 minutes\""))).isEmpty();
  }
}
