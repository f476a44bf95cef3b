package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code governor} source over real HTTP against the document a daemon's site API serves: the
 * provider's zone, slot, kind and flag pass through, the age stays the provider's, the token goes
 * out as a bearer token and nowhere else.
 */
class GovernorSourceTest extends HttpSourceTest {

  final MovableClock clock = new MovableClock("2026-03-01T10:20:00Z");
  final ExecutorService executor = Executors.newCachedThreadPool();

  @AfterEach
  void stopExecutor() {
    executor.shutdownNow();
  }

  CarbonSource source(Optional<String> token) {
    return CarbonSources.governor(endpoint("site"), token, List.of(), clock);
  }

  void serves(String body) {
    wm.stubFor(get(urlPathEqualTo("/v1/carbon")).willReturn(okJson(body)));
  }

  @Test
  void theCurrentSignalKeepsItsProvidersZoneSlotKindAndFlagAndNamesTheRelay() {
    serves(Fixtures.body("governor/carbon.json"));
    assertThat(source(Optional.of(Secrets.SITE_TOKEN)).current("DE")).isEqualTo(
        new CarbonSignal("DE", Instant.parse("2026-03-01T10:00:00Z"), Instant.parse("2026-03-01T11:00:00Z"),
            CarbonIntensity.gramsPerKwh(312), SignalKind.AVERAGE, "electricitymaps via site", false));
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/carbon"))
        .withHeader("Authorization", equalTo("Bearer " + Secrets.SITE_TOKEN)));
  }

  @Test
  void theForecastIsTheRelayedSlotsAfterNow() {
    serves(Fixtures.body("governor/carbon.json"));
    List<CarbonSignal> forecast = source(Optional.empty()).forecast("DE", Duration.ofHours(24));
    assertThat(forecast).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(298.5, 275.0, 301.25);
    assertThat(forecast).allSatisfy(s -> {
      assertThat(s.source()).isEqualTo("electricitymaps via site");
      assertThat(s.estimated()).isTrue();
      assertThat(s.kind()).isEqualTo(SignalKind.AVERAGE);
    });
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/carbon")).withHeader("Authorization", absent()));
  }

  /** The relayed slot ended at 11:00: its age is counted from then, whenever the relay served it. */
  @Test
  void maxAgeMeasuresTheProvidersSlotNotTheRelaysAnswer() {
    serves(Fixtures.body("governor/carbon.json"));
    CarbonSource trace = CarbonSources.trace(
        CarbonTrace.of("DE", Stream.iterate(Instant.parse("2026-03-01T00:00:00Z"), t -> t.plus(Duration.ofHours(1)))
            .limit(24).map(t -> new CarbonTrace.Slot(t, t.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(250), false))
            .toList()),
        clock, TraceTiming.ABSOLUTE, "trace");
    CarbonSource chain = CarbonSources.fallback(
        List.of(source(Optional.empty()), trace), clock, Duration.ofHours(2), Duration.ofSeconds(10), executor);

    clock.set("2026-03-01T12:59:00Z");
    assertThat(chain.current("DE").source()).isEqualTo("electricitymaps via site");
    clock.set("2026-03-01T13:01:00Z");
    assertThat(chain.current("DE").source()).isEqualTo("trace");
  }

  @Test
  void aRelayForAnotherZoneIsABadResponse() {
    serves(Fixtures.body("governor/carbon.json"));
    CarbonSourceException f =
        catchThrowableOfType(CarbonSourceException.class, () -> source(Optional.empty()).current("FR"));
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("answer is for zone 'DE', not 'FR' as asked");
  }

  @Test
  void aRelayWithoutACurrentSignalIsUnavailableAndItsForecastStillServes() {
    serves(Fixtures.body("governor/carbon.json").replaceFirst("\"signal\":\\{[^}]*\\}", "\"signal\":null"));
    CarbonSourceException f =
        catchThrowableOfType(CarbonSourceException.class, () -> source(Optional.empty()).current("DE"));
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.getMessage()).contains("no current signal");
  }

  @Test
  void aRefusedTokenIsAnAuthFailureThatNamesNoToken() {
    wm.stubFor(get(urlPathEqualTo("/v1/carbon")).willReturn(
        aResponse().withStatus(401).withHeader("WWW-Authenticate", "Bearer realm=\"carbon-governor\"")
            .withBody(Fixtures.body("governor/error_401.json"))));
    CarbonSourceException f = catchThrowableOfType(
        CarbonSourceException.class, () -> source(Optional.of(Secrets.SITE_TOKEN)).current("DE"));
    assertThat(f.kind()).isEqualTo(Kind.AUTH);
    assertThat(f.getMessage()).contains("HTTP 401 (a bearer token is required");
    Secrets.assertNoSecretIn(Secrets.printed(f));
    wm.verify(1, getRequestedFor(urlPathEqualTo("/v1/carbon")));
  }

  @Test
  void aProviderNameThatCouldForgeALogLineOrIsTooLongIsABadResponse() {
    String body = Fixtures.body("governor/carbon.json");
    for (String name : List.of("em\\nforged line", "x".repeat(SiteCarbonDocument.MAX_SOURCE + 1), " ")) {
      wm.resetAll();
      serves(body.replace("\"source\":\"electricitymaps\",\"estimated\":false", "\"source\":\"" + name + "\",\"estimated\":false"));
      CarbonSourceException f =
          catchThrowableOfType(CarbonSourceException.class, () -> source(Optional.empty()).current("DE"));
      assertThat(f).as(name).isNotNull();
      assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    }
  }

  @Test
  void aSlotThatEndsBeforeItStartsOrAnUnknownKindIsABadResponse() {
    String body = Fixtures.body("governor/carbon.json");
    for (String broken : List.of(
        body.replaceFirst("\"end\":\"2026-03-01T11:00:00Z\"", "\"end\":\"2026-03-01T09:00:00Z\""),
        body.replaceFirst("\"kind\":\"average\"", "\"kind\":\"mixed\""),
        body.replaceFirst(",\"estimated\":false", ""),
        body.replaceFirst("\"forecast\":\\[", "\"forecast\":[1,"))) {
      wm.resetAll();
      serves(broken);
      CarbonSourceException f =
          catchThrowableOfType(CarbonSourceException.class, () -> source(Optional.empty()).current("DE"));
      assertThat(f).as(broken).isNotNull();
      assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    }
  }

  @Test
  void aRelayServesNoHistoryAndIsNotAskedForIt() {
    CarbonSourceException f = catchThrowableOfType(CarbonSourceException.class, () -> source(Optional.empty())
        .history("DE", Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-01T10:00:00Z")));
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    wm.verify(0, getRequestedFor(urlPathEqualTo("/v1/carbon")));
  }
}
