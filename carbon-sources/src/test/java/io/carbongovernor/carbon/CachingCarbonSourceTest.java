package io.carbongovernor.carbon;

import static io.carbongovernor.carbon.ScriptedSource.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache in front of a source, with a Caffeine ticker and a clock the test moves. */
class CachingCarbonSourceTest {

  final FakeTicker ticker = new FakeTicker();
  final MovableClock clock = new MovableClock("2026-03-01T10:10:00Z");
  final QueuedExecutor executor = new QueuedExecutor();
  final CacheOptions options = new CacheOptions(Duration.ofMinutes(5), Duration.ofHours(2), Duration.ofSeconds(30));
  final CarbonSignal first = signal("em", "2026-03-01T10:00:00Z", 300);
  final CarbonSignal second = signal("em", "2026-03-01T10:00:00Z", 280);

  CarbonSource cached(CarbonSource upstream) {
    return CarbonSources.cached(upstream, options, clock, ticker, executor);
  }

  @Test
  void aFreshAnswerIsServedWithoutAskingAgain() {
    ScriptedSource upstream = new ScriptedSource("em").answers(first);
    CarbonSource cache = cached(upstream);
    assertThat(cache.current("DE")).isEqualTo(first);
    ticker.advance(Duration.ofMinutes(4));
    assertThat(cache.current("DE")).isEqualTo(first);
    executor.runAll();
    assertThat(upstream.currentCalls).hasValue(1);
  }

  @Test
  void anAgedAnswerIsServedWhileItRefreshesInTheBackground() {
    ScriptedSource upstream = new ScriptedSource("em").answers(first).answers(second);
    CarbonSource cache = cached(upstream);
    cache.current("DE");
    ticker.advance(Duration.ofMinutes(6));

    executor.hold(true);
    assertThat(cache.current("DE")).as("stale while refreshing").isEqualTo(first);
    assertThat(upstream.currentCalls).as("the refresh waits for the executor").hasValue(1);
    executor.runAll();
    executor.hold(false);
    assertThat(upstream.currentCalls).hasValue(2);
    assertThat(cache.current("DE")).isEqualTo(second);
  }

  @Test
  void failedRefreshesKeepTheLastGoodAnswerUntilItExpires() {
    ScriptedSource upstream = new ScriptedSource("em").answers(first).fails(Kind.UNAVAILABLE);
    CarbonSource cache = cached(upstream);
    cache.current("DE");
    for (int i = 0; i < 20; i++) { // 20 x 6 min = 2 h
      ticker.advance(Duration.ofMinutes(6));
      if (i < 19) {
        assertThat(cache.current("DE")).isEqualTo(first);
      }
      executor.runAll();
    }
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> cache.current("DE"));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
  }

  @Test
  void aFailureWithNothingCachedIsRememberedBrieflyInsteadOfAskingAtEveryTick() {
    ScriptedSource upstream = new ScriptedSource("em").fails(Kind.UNAVAILABLE).answers(first);
    CarbonSource cache = cached(upstream);
    catchThrowableOfType(CarbonSourceException.class, () -> cache.current("DE"));
    ticker.advance(Duration.ofSeconds(20));
    assertThat(catchThrowableOfType(CarbonSourceException.class, () -> cache.current("DE")).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(upstream.currentCalls).hasValue(1);

    ticker.advance(Duration.ofSeconds(11));
    assertThat(cache.current("DE")).isEqualTo(first);
    assertThat(upstream.currentCalls).hasValue(2);
  }

  @Test
  void aRateLimitKeepsTheUpstreamQuietForItsRetryAfter() {
    ScriptedSource upstream = new ScriptedSource("em")
        .failsWith(new CarbonSourceException(Kind.RATE_LIMITED, "em", "HTTP 429", Duration.ofMinutes(10), null))
        .answers(first);
    CarbonSource cache = cached(upstream);
    catchThrowableOfType(CarbonSourceException.class, () -> cache.current("DE"));
    ticker.advance(Duration.ofMinutes(9));
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, () -> cache.current("DE"));
    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
    assertThat(upstream.currentCalls).hasValue(1);

    ticker.advance(Duration.ofMinutes(1));
    assertThat(cache.current("DE")).isEqualTo(first);
  }

  @Test
  void aCachedForecastIsCutToTheFutureAtEveryUse() {
    List<CarbonSignal> slots = List.of(
        signal("em", "2026-03-01T11:00:00Z", 250), signal("em", "2026-03-01T12:00:00Z", 240),
        signal("em", "2026-03-01T13:00:00Z", 230));
    ScriptedSource upstream = new ScriptedSource("em").forecasts(slots);
    CarbonSource cache = cached(upstream);
    assertThat(cache.forecast("DE", Duration.ofHours(3))).hasSize(3);
    clock.set("2026-03-01T11:30:00Z");
    assertThat(cache.forecast("DE", Duration.ofHours(3))).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(240.0, 230.0);
    assertThat(upstream.forecastCalls).hasValue(1);
  }

  @Test
  void zonesAreCachedApart() {
    ScriptedSource upstream = new ScriptedSource("em").answers(first);
    CarbonSource cache = cached(upstream);
    cache.current("DE");
    cache.current("FR");
    cache.current("DE");
    assertThat(upstream.currentCalls).hasValue(2);
  }
}
