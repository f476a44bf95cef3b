package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.carbongovernor.carbon.CarbonSourceException.Kind;
import io.carbongovernor.carbon.Endpoints.Endpoint;
import io.carbongovernor.carbon.Endpoints.Expect;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint of every HTTP source, over real HTTP against WireMock: its documented answer,
 * and each fault a provider can throw at us. Asserts what the caller sees, how often the service
 * was asked, that backoff was asked of the sleeper (never slept), and that no secret appears in
 * the failure or in any log line.
 */
class EndpointFaultsTest {

  @RegisterExtension
  static WireMockExtension wm =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().containerThreads(40)).build();

  /**
   * Timeouts a loaded machine never reaches on a prompt answer: the tests of answers must not turn
   * into tests of the machine's speed.
   */
  static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(20));

  /** Short real timeouts for the tests of timeouts, the only real waiting here: slow or not, they expire. */
  static final Timeouts SHORT = new Timeouts(Duration.ofMillis(500), Duration.ofMillis(500), Duration.ofMillis(1000));

  static final DoubleSupplier HALF = () -> 0.5;

  RecordingSleeper sleeper;
  LogCapture logs;

  static List<Endpoint> endpoints() {
    return Endpoints.all();
  }

  @BeforeEach
  void setUp() {
    sleeper = new RecordingSleeper();
    logs = new LogCapture();
    wm.stubFor(get(urlPathEqualTo("/login")).willReturn(okJson(Fixtures.body("watttime/login.json"))));
  }

  @AfterEach
  void noSecretLogged() {
    logs.close();
    Secrets.assertNoSecretIn(logs.text());
  }

  private Provider provider(Endpoint e) {
    return provider(e, TIMEOUTS);
  }

  private Provider provider(Endpoint e, Timeouts timeouts) {
    Retry retry =
        new Retry(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30), sleeper, HALF);
    return Endpoints.provider(e.type(), URI.create(wm.baseUrl()), timeouts, retry, new MovableClock(e.now()));
  }

  private CarbonSourceException failure(Endpoint e) {
    return failure(e, TIMEOUTS);
  }

  private CarbonSourceException failure(Endpoint e, Timeouts timeouts) {
    CarbonSourceException failure =
        catchThrowableOfType(CarbonSourceException.class, () -> e.call().apply(provider(e, timeouts)));
    assertThat(failure).as("the call should fail").isNotNull();
    Secrets.assertNoSecretIn(Secrets.printed(failure));
    assertThat(failure.source()).isEqualTo(e.type().name().toLowerCase(java.util.Locale.ROOT));
    return failure;
  }

  private void assertOutcome(Endpoint e, Expect expect) {
    if (expect.failure() != null) {
      assertThat(failure(e).kind()).isEqualTo(expect.failure());
    } else {
      assertThat(Endpoints.signals(e.call().apply(provider(e)))).hasSize(expect.signals());
    }
  }

  private int dataCalls(Endpoint e) {
    return wm.findAll(getRequestedFor(urlPathEqualTo(e.path()))).size();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void documentedAnswer(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.okBody())));
    List<CarbonSignal> signals = Endpoints.signals(e.call().apply(provider(e)));
    assertThat(signals).hasSize(e.okSignals());
    for (CarbonSignal s : signals) {
      assertThat(s.end()).isAfter(s.start());
      assertThat(s.intensity().gramsPerKwh()).isBetween(0.0, 3000.0);
    }
    assertThat(dataCalls(e)).isEqualTo(1);
    assertThat(sleeper.sleeps).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void readTimeoutIsRetriedThenUnavailable(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.okBody()).withFixedDelay(2_000)));
    CarbonSourceException f = failure(e, SHORT);
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    // The read timeout ended each attempt, not the server's 2 s delay.
    assertThat(f.getMessage()).contains("timed out");
    assertThat(sleeper.sleeps).containsExactly(Duration.ofMillis(150));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void slowDripIsCutByTheCallTimeout(Endpoint e) {
    // 10 chunks over 5 s: each read comes within the read timeout, the whole call does not.
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.okBody()).withChunkedDribbleDelay(10, 5_000)));
    CarbonSourceException f = failure(e, SHORT);
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.getMessage()).contains("timed out");
    assertThat(sleeper.sleeps).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void connectionResetIsRetriedThenUnavailable(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.getMessage()).contains("connection failed");
    assertThat(dataCalls(e)).isEqualTo(2);
    assertThat(sleeper.sleeps).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void serverErrorIsRetriedAndRecovers(Endpoint e) {
    wm.stubFor(
        get(urlPathEqualTo(e.path())).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(500).withBody(Fixtures.body("uk/error_500.json")))
            .willSetStateTo("up"));
    wm.stubFor(
        get(urlPathEqualTo(e.path())).inScenario("flaky").whenScenarioStateIs("up")
            .willReturn(okJson(e.okBody())));
    assertThat(Endpoints.signals(e.call().apply(provider(e)))).hasSize(e.okSignals());
    assertThat(dataCalls(e)).isEqualTo(2);
    assertThat(sleeper.sleeps).containsExactly(Duration.ofMillis(150));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void persistentServerErrorIsUnavailable(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(aResponse().withStatus(500).withBody(Fixtures.body("uk/error_500.json"))));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.getMessage()).contains("HTTP 500").contains("Requested resource not found.");
    assertThat(dataCalls(e)).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void serviceUnavailableHtmlPageIsUnavailable(Endpoint e) {
    wm.stubFor(
        get(urlPathEqualTo(e.path()))
            .willReturn(
                aResponse().withStatus(503).withHeader("Content-Type", "text/html")
                    .withBody("<html><head><title>503 Service Temporarily Unavailable</title></head>"
                        + "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>")));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(f.getMessage()).contains("HTTP 503 (HTML page '503 Service Temporarily Unavailable')");
    assertThat(dataCalls(e)).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void tooManyRequestsWaitsItsRetryAfter(Endpoint e) {
    wm.stubFor(
        get(urlPathEqualTo(e.path())).inScenario("limit").whenScenarioStateIs(Scenario.STARTED)
            .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7"))
            .willSetStateTo("ok"));
    wm.stubFor(
        get(urlPathEqualTo(e.path())).inScenario("limit").whenScenarioStateIs("ok").willReturn(okJson(e.okBody())));
    assertThat(Endpoints.signals(e.call().apply(provider(e)))).hasSize(e.okSignals());
    assertThat(sleeper.sleeps).containsExactly(Duration.ofSeconds(7));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void tooManyRequestsWithALongRetryAfterFailsRateLimited(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(f.retryAfter()).contains(Duration.ofHours(1));
    assertThat(dataCalls(e)).isEqualTo(1);
    assertThat(sleeper.sleeps).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void badKeyIsAuthAndNotRetried(Endpoint e) {
    // The body echoes the source's secret, as a careless server might: it must still not show.
    String echoed =
        switch (e.type()) {
          case ELECTRICITYMAPS -> Secrets.EM_TOKEN;
          case WATTTIME -> Secrets.WT_PASSWORD;
          case GOVERNOR -> Secrets.SITE_TOKEN;
          default -> "no key";
        };
    wm.stubFor(
        get(urlPathEqualTo(e.path()))
            .willReturn(aResponse().withStatus(401).withBody("{\"error\":\"Invalid auth-token " + echoed + "\"}")));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.AUTH);
    assertThat(f.getMessage()).contains("HTTP 401");
    // WattTime logs in again once and retries once; the others never retry a 401.
    assertThat(dataCalls(e)).isEqualTo(e.type() == Endpoints.Type.WATTTIME ? 2 : 1);
    assertThat(sleeper.sleeps).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void unknownZoneIsNotFoundAndNotRetried(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(aResponse().withStatus(400).withBody(e.unknownZone())));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(f.getMessage()).contains("HTTP 400 (");
    assertThat(dataCalls(e)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void notFoundIsNotRetried(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(aResponse().withStatus(404)));
    assertThat(failure(e).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(dataCalls(e)).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void malformedJsonIsABadResponse(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.okBody().substring(0, e.okBody().length() / 2))));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("malformed JSON");
    assertThat(dataCalls(e)).isEqualTo(1);
  }

  /** An answer that never ends (or a huge one) is cut at the cap, not buffered whole. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void anOversizedBodyIsABadResponse(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(HUGE_BODY)));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("larger than 4 MiB");
    assertThat(dataCalls(e)).isEqualTo(1);
  }

  private static final String HUGE_BODY = "[" + "0,".repeat((int) (JsonHttp.MAX_BODY_BYTES / 2)) + "0]";

  /** What a provider sends lands in the journal: no line breaks, no terminal escapes, no NULs. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void controlCharactersOfAGarbledAnswerNeverReachTheMessage(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path()))
        .willReturn(okJson("\u0000\u001b[31mred\r\nforged log line\u0007 not json")));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("forged log line").doesNotContainPattern("\\p{Cc}");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void nullValuesAreLeftOut(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.nullsBody())));
    assertOutcome(e, e.nulls());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void emptyDataIsNoSignal(Endpoint e) {
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(e.emptyBody())));
    assertOutcome(e, e.empty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void implausibleValueIsABadResponse(Endpoint e) {
    String huge = e.okBody().replaceAll("(\"(carbonIntensity|value|rating|actual|forecast|intensity_g_per_kwh)\"\\s*:\\s*)[0-9.]+", "$19999");
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(huge)));
    CarbonSourceException f = failure(e);
    assertThat(f.kind()).isEqualTo(Kind.BAD_RESPONSE);
    assertThat(f.getMessage()).contains("implausible carbon intensity");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void negativeValueIsABadResponse(Endpoint e) {
    String negative = e.okBody().replaceAll("(\"(carbonIntensity|value|rating|actual|forecast|intensity_g_per_kwh)\"\\s*:\\s*)[0-9.]+", "$1-5");
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(negative)));
    assertThat(failure(e).kind()).isEqualTo(Kind.BAD_RESPONSE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endpoints")
  void aNumberAsTextIsABadResponse(Endpoint e) {
    String text = e.okBody().replaceAll("(\"(carbonIntensity|value|rating|actual|forecast|intensity_g_per_kwh)\"\\s*:\\s*)([0-9.]+)", "$1\"$3\"");
    wm.stubFor(get(urlPathEqualTo(e.path())).willReturn(okJson(text)));
    assertThat(failure(e).kind()).isEqualTo(Kind.BAD_RESPONSE);
    wm.verify(exactly(1), getRequestedFor(urlPathEqualTo(e.path())));
  }
}
