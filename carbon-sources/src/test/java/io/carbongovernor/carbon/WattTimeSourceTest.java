package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WattTimeSourceTest extends HttpSourceTest {

  static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.wt-SECRET-jwt-payload.signature";
  static final String SECOND_TOKEN = "eyJhbGciOiJSUzI1NiJ9.wt-SECRET-jwt-second.signature";

  final MovableClock clock = new MovableClock("2022-07-15T00:07:00Z");
  CarbonSource source;

  @BeforeEach
  void setUp() {
    source = CarbonSources.wattTime(endpoint("watttime"), Secrets.WT_USER, Secrets.WT_PASSWORD, clock);
  }

  void loginAnswers(String token) {
    wm.stubFor(get(urlPathEqualTo("/login")).willReturn(okJson("{\"token\":\"" + token + "\"}")));
  }

  void historicalAnswers() {
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).willReturn(okJson(Fixtures.body("watttime/historical.json"))));
  }

  int logins() {
    return wm.findAll(getRequestedFor(urlPathEqualTo("/login"))).size();
  }

  @Test
  void logsInWithBasicAuthAndCallsWithTheBearerToken() {
    loginAnswers(TOKEN);
    historicalAnswers();
    CarbonSignal s = source.current("CAISO_NORTH");

    // 860 lbs/MWh, the newest point, converted to g/kWh.
    assertThat(s).isEqualTo(
        new CarbonSignal("CAISO_NORTH", Instant.parse("2022-07-15T00:05:00Z"), Instant.parse("2022-07-15T00:10:00Z"),
            CarbonIntensity.gramsPerKwh(860 * 0.45359237), SignalKind.MARGINAL, "watttime", true));
    String basic = Base64.getEncoder().encodeToString((Secrets.WT_USER + ":" + Secrets.WT_PASSWORD).getBytes());
    wm.verify(getRequestedFor(urlPathEqualTo("/login")).withHeader("Authorization", equalTo("Basic " + basic)));
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/historical"))
        .withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .withQueryParam("region", equalTo("CAISO_NORTH"))
        .withQueryParam("signal_type", equalTo("co2_moer"))
        .withQueryParam("start", equalTo("2022-07-14T23:07:00Z"))
        .withQueryParam("end", equalTo("2022-07-15T00:07:00Z")));
  }

  @Test
  void theTokenIsReusedAndRenewedFiveMinutesBeforeItExpires() {
    loginAnswers(TOKEN);
    historicalAnswers();
    source.current("CAISO_NORTH");
    clock.advance(Duration.ofMinutes(24));
    clock.set("2022-07-15T00:07:00Z"); // the data's time; the token's age is what matters
    source.current("CAISO_NORTH");
    assertThat(logins()).isEqualTo(1);

    clock.set("2022-07-15T00:32:00Z"); // 25 minutes after the login
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).willReturn(okJson(Fixtures.body("watttime/historical.json")
        .replace("2022-07-15T00:05:00+00:00", "2022-07-15T00:30:00+00:00"))));
    source.current("CAISO_NORTH");
    assertThat(logins()).isEqualTo(2);
  }

  @Test
  void aTokenExpiredMidRunIsRenewedOnceAndTheCallSucceeds() {
    wm.stubFor(get(urlPathEqualTo("/login")).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson("{\"token\":\"" + TOKEN + "\"}")).willSetStateTo("second"));
    wm.stubFor(get(urlPathEqualTo("/login")).inScenario("login").whenScenarioStateIs("second")
        .willReturn(okJson("{\"token\":\"" + SECOND_TOKEN + "\"}")));
    // The first token works once, then the service says it expired.
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .inScenario("expiry").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson(Fixtures.body("watttime/historical.json"))).willSetStateTo("expired"));
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .inScenario("expiry").whenScenarioStateIs("expired")
        .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"token expired\"}")));
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).withHeader("Authorization", equalTo("Bearer " + SECOND_TOKEN))
        .willReturn(okJson(Fixtures.body("watttime/historical.json"))));

    source.current("CAISO_NORTH");
    clock.advance(Duration.ofMinutes(1));
    CarbonSignal s = source.current("CAISO_NORTH");

    assertThat(s.intensity().gramsPerKwh()).isEqualTo(860 * 0.45359237);
    assertThat(logins()).isEqualTo(2);
    wm.verify(3, getRequestedFor(urlPathEqualTo("/v3/historical")));
  }

  @Test
  void anHtml403PageAlsoRenewsTheToken() {
    wm.stubFor(get(urlPathEqualTo("/login")).inScenario("login").whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson("{\"token\":\"" + TOKEN + "\"}")).willSetStateTo("second"));
    wm.stubFor(get(urlPathEqualTo("/login")).inScenario("login").whenScenarioStateIs("second")
        .willReturn(okJson("{\"token\":\"" + SECOND_TOKEN + "\"}")));
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).withHeader("Authorization", equalTo("Bearer " + TOKEN))
        .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "text/html").withBody(Fixtures.body("watttime/error_403.html"))));
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).withHeader("Authorization", equalTo("Bearer " + SECOND_TOKEN))
        .willReturn(okJson(Fixtures.body("watttime/historical.json"))));

    assertThat(source.current("CAISO_NORTH").kind()).isEqualTo(SignalKind.MARGINAL);
    assertThat(logins()).isEqualTo(2);
  }

  @Test
  void aRegionOutsideTheAccountIsAuthAfterOneRenewal() {
    loginAnswers(TOKEN);
    wm.stubFor(get(urlPathEqualTo("/v3/historical"))
        .willReturn(aResponse().withStatus(403).withBody(Fixtures.body("watttime/invalid_scope.json"))));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source.current("PSCO"));
    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains("HTTP 403 (Invalid query parameters: Invalid scope.");
    assertThat(logins()).isEqualTo(2);
    wm.verify(2, getRequestedFor(urlPathEqualTo("/v3/historical")));
  }

  @Test
  void aTokenEchoedInAnErrorIsMasked() {
    loginAnswers(TOKEN);
    wm.stubFor(get(urlPathEqualTo("/v3/historical"))
        .willReturn(aResponse().withStatus(403).withBody("{\"error\":\"token " + TOKEN + " not valid for PSCO\"}")));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source.current("PSCO"));
    assertThat(e.getMessage()).contains("token [redacted] not valid for PSCO").doesNotContain(TOKEN);
    Secrets.assertNoSecretIn(Secrets.printed(e));
  }

  @Test
  void loginsAreCappedWellBelowWattTimesLimit() {
    loginAnswers(TOKEN);
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).willReturn(aResponse().withStatus(401)));
    for (int i = 0; i < 30; i++) {
      catchThrowableOfType(CarbonSourceException.class, () -> source.current("CAISO_NORTH"));
    }
    assertThat(logins()).isEqualTo(WattTimeLogin.MAX_LOGINS_PER_WINDOW);
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source.current("CAISO_NORTH"));
    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(e.retryAfter()).contains(Duration.ofMinutes(5));

    // Once the window has passed: a login, the call refused, one renewal.
    clock.advance(Duration.ofMinutes(5));
    catchThrowableOfType(CarbonSourceException.class, () -> source.current("CAISO_NORTH"));
    assertThat(logins()).isEqualTo(WattTimeLogin.MAX_LOGINS_PER_WINDOW + 2);
  }

  @Test
  void wrongCredentialsAreAuthAndTheLoginPageIsNotRetried() {
    wm.stubFor(get(urlPathEqualTo("/login")).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "text/html").withBody(Fixtures.body("watttime/error_403.html"))));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source.current("CAISO_NORTH"));
    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.getMessage()).contains("login refused; check the username and password").contains("403 Forbidden");
    assertThat(logins()).isEqualTo(1);
    Secrets.assertNoSecretIn(Secrets.printed(e));
  }

  @Test
  void aLaggingHistoricalFeedGivesWayToTheForecastsCurrentPoint() {
    clock.set("2022-07-15T00:32:00Z");
    loginAnswers(TOKEN);
    historicalAnswers(); // newest point ends 00:10, 22 minutes ago
    wm.stubFor(get(urlPathEqualTo("/v3/forecast")).willReturn(okJson(Fixtures.body("watttime/forecast.json")
        .replace("2022-07-15T00:15:00+00:00", "2022-07-15T00:30:00+00:00"))));
    CarbonSignal s = source.current("CAISO_NORTH");
    assertThat(s.start()).isEqualTo(Instant.parse("2022-07-15T00:30:00Z"));
    assertThat(s.intensity().gramsPerKwh()).isEqualTo(850.5 * 0.45359237);
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/forecast")).withQueryParam("horizon_hours", equalTo("1")));
  }

  @Test
  void forecastAsksForWholeHoursAndKeepsFutureSlots() {
    clock.set("2022-07-15T00:02:00Z");
    loginAnswers(TOKEN);
    wm.stubFor(get(urlPathEqualTo("/v3/forecast")).willReturn(okJson(Fixtures.body("watttime/forecast.json"))));
    List<CarbonSignal> f = source.forecast("CAISO_NORTH", Duration.ofMinutes(90));
    assertThat(f).extracting(CarbonSignal::start).containsExactly(
        Instant.parse("2022-07-15T00:05:00Z"), Instant.parse("2022-07-15T00:10:00Z"), Instant.parse("2022-07-15T00:15:00Z"));
    assertThat(f).allSatisfy(s -> assertThat(s.length()).isEqualTo(Duration.ofMinutes(5)));
    wm.verify(getRequestedFor(urlPathEqualTo("/v3/forecast"))
        .withQueryParam("horizon_hours", equalTo("2")).withQueryParam("signal_type", equalTo("co2_moer")));
  }

  @Test
  void aPercentileAnswerIsNotMistakenForGrams() {
    loginAnswers(TOKEN);
    wm.stubFor(get(urlPathEqualTo("/v3/historical")).willReturn(okJson(Fixtures.body("watttime/historical.json")
        .replace("lbs_co2_per_mwh", "percentile"))));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> source.history("CAISO_NORTH",
        Instant.parse("2022-07-15T00:00:00Z"), Instant.parse("2022-07-15T00:10:00Z")));
    assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(e.getMessage()).contains("units 'percentile'");
  }
}
