package io.carbongovernor.carbon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A 429 whose Retry-After is huge or absurd, over real HTTP, through the layers the daemon puts
 * around a source (health, cache, fallback), with a ticker and a clock the test moves: nothing
 * overflows, and the API is asked again after at most an hour, not at every tick.
 */
class RetryAfterTest extends HttpSourceTest {

  static final String LATEST = "/v3/carbon-intensity/latest";

  final MovableClock clock = new MovableClock("2024-11-28T15:20:00Z");
  final FakeTicker ticker = new FakeTicker();

  private void advance(Duration d) {
    ticker.advance(d);
    clock.advance(d);
  }

  private int calls() {
    return wm.findAll(anyRequestedFor(anyUrl())).size();
  }

  /** A US-CAL-CISO-style trace of 250 g around the test's clock, as the chain's second source. */
  private CarbonSource trace() {
    Instant start = Instant.parse("2024-11-28T00:00:00Z");
    List<CarbonTrace.Slot> slots = java.util.stream.Stream.iterate(start, t -> t.plus(Duration.ofHours(1))).limit(48)
        .map(t -> new CarbonTrace.Slot(t, t.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(250), false))
        .toList();
    return CarbonSources.trace(CarbonTrace.of(null, slots), clock, TraceTiming.ABSOLUTE, "trace");
  }

  @ParameterizedTest(name = "Retry-After: {0}")
  @ValueSource(strings = {"999999999999", "99999999999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"})
  void aHugeRetryAfterBacksOffForAnHourWithoutOverflowOrExtraCalls(String retryAfter) {
    wm.stubFor(get(anyUrl()).willReturn(aResponse().withStatus(429).withHeader("Retry-After", retryAfter)
        .withBody("{\"error\":\"Too many requests\"}")));
    CarbonSource em = CarbonSources.electricityMaps(endpoint("electricitymaps"), Secrets.EM_TOKEN,
        ElectricityMapsOptions.defaults(), clock);
    TrackedCarbonSource tracked = CarbonSources.tracked(em, clock, ticker);
    CarbonSource cached = CarbonSources.cached(tracked, CacheOptions.defaults(), clock, ticker, new QueuedExecutor());
    CarbonSource chain = CarbonSources.fallback(List.of(cached, trace()), clock, Duration.ofHours(2),
        Duration.ofSeconds(10), Runnable::run);

    Throwable first = catchThrowable(() -> cached.current("BE"));
    assertThat(first).isInstanceOfSatisfying(CarbonSourceException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
      assertThat(e.retryAfter()).contains(Duration.ofHours(1));
    });
    assertThat(calls()).as("one call: a rate limit holds for the whole API").isEqualTo(1);

    // A tick every 30 s for most of the hour: the chain answers from the trace, the API rests.
    for (int tick = 0; tick < 118; tick++) {
      advance(Duration.ofSeconds(30));
      assertThat(chain.current("BE").source()).isEqualTo("trace");
      assertThat(chain.forecast("BE", Duration.ofHours(3))).isNotEmpty();
    }
    assertThat(calls()).isEqualTo(1);
    assertThat(sleeper.sleeps).as("no thread waits out a rate limit").isEmpty();
    assertThat(tracked.health().lastError()).hasValueSatisfying(m -> assertThat(m).startsWith("rate_limited"));

    // The hour over, the API is asked again and its answer taken.
    wm.resetAll();
    wm.stubFor(get(urlPathEqualTo(LATEST)).willReturn(okJson(Fixtures.body("electricitymaps/latest.json"))));
    advance(Duration.ofMinutes(2));
    assertThat(chain.current("BE").source()).isEqualTo("electricitymaps");
    assertThat(calls()).isEqualTo(1);
  }
}
