package io.carbongovernor.carbon;

import static io.carbongovernor.carbon.ScriptedSource.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The chain over the configured sources, with a budget the caller never waits past. */
class FallbackCarbonSourceTest {

  final MovableClock clock = new MovableClock("2026-03-01T10:10:00Z");
  final ExecutorService executor = Executors.newCachedThreadPool();
  final CarbonSignal fresh = signal("em", "2026-03-01T10:00:00Z", 300);
  final CarbonSignal trace = signal("trace", "2026-03-01T10:00:00Z", 250);
  final CarbonSignal old = signal("em", "2026-03-01T06:00:00Z", 310);

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  CarbonSource chain(Duration budget, CarbonSource... sources) {
    return CarbonSources.fallback(List.of(sources), clock, Duration.ofHours(2), budget, executor);
  }

  @Test
  void theFirstSourceWithAFreshSignalWins() {
    CarbonSource c = chain(Duration.ofSeconds(5), new ScriptedSource("em").answers(fresh), new ScriptedSource("trace").answers(trace));
    assertThat(c.current("DE")).isEqualTo(fresh);
    assertThat(c.name()).isEqualTo("em>trace");
  }

  @Test
  void aStaleOrFailingSourceGivesWayToTheNext() {
    assertThat(chain(Duration.ofSeconds(5), new ScriptedSource("em").answers(old), new ScriptedSource("trace").answers(trace))
        .current("DE")).isEqualTo(trace);
    assertThat(chain(Duration.ofSeconds(5), new ScriptedSource("em").fails(Kind.AUTH), new ScriptedSource("trace").answers(trace))
        .current("DE")).isEqualTo(trace);
  }

  @Test
  void withoutAnyFreshSignalEveryReasonIsGiven() {
    CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class,
        () -> chain(Duration.ofSeconds(5), new ScriptedSource("em").answers(old), new ScriptedSource("uk").fails(Kind.RATE_LIMITED))
            .current("DE"));
    assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(e.getMessage()).isEqualTo(
        "em>uk: no fresh signal (em: stale (PT3H10M old, max-age PT2H); uk: rate-limited (uk: scripted RATE_LIMITED))");
  }

  @Test
  @Timeout(60) // a guard against hanging, not a speed assertion
  void aStalledSourceCostsNoMoreThanTheBudgetAndTheNextOneAnswers() {
    ScriptedSource stalled = new ScriptedSource("em").answers(fresh).stalled();
    try {
      CarbonSource c = chain(Duration.ofMillis(200), stalled, new ScriptedSource("trace").answers(trace));
      assertThat(c.current("DE")).isEqualTo(trace);
      // Still stalled: every call returns at the budget with the next source's answer.
      assertThat(c.current("DE")).isEqualTo(trace);
    } finally {
      stalled.release();
    }
  }

  @Test
  @Timeout(60)
  void aStalledSourceAloneEndsInAFailureThatSaysSo() {
    ScriptedSource stalled = new ScriptedSource("em").answers(fresh).stalled();
    try {
      CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class,
          () -> chain(Duration.ofMillis(100), stalled).current("DE"));
      assertThat(e.getMessage()).isEqualTo("em: no fresh signal (em: no answer within 100 ms)");
    } finally {
      stalled.release();
    }
  }

  @Test
  void answersAtHandAreTakenWithoutAThreadHop() {
    java.util.concurrent.Executor none = r -> {
      throw new java.util.concurrent.RejectedExecutionException("no thread for an answer at hand");
    };
    CarbonSource cached = CarbonSources.cached(new ScriptedSource("em").answers(fresh), CacheOptions.defaults(), clock,
        com.github.benmanes.caffeine.cache.Ticker.systemTicker(), new QueuedExecutor());
    cached.current("DE"); // warm
    CarbonTrace t = CarbonTrace.of(null, List.of(new CarbonTrace.Slot(
        java.time.Instant.parse("2026-03-01T10:00:00Z"), java.time.Instant.parse("2026-03-01T11:00:00Z"),
        CarbonIntensity.gramsPerKwh(250), false)));
    CarbonSource local = CarbonSources.trace(t, clock, TraceTiming.ABSOLUTE, "trace");

    CarbonSource chain = CarbonSources.fallback(List.of(cached, local), clock, Duration.ofHours(2), Duration.ofSeconds(1), none);
    assertThat(chain.current("DE")).isEqualTo(fresh);
    assertThat(CarbonSources.fallback(List.of(local), clock, Duration.ofHours(2), Duration.ofSeconds(1), none)
        .current("DE").intensity().gramsPerKwh()).isEqualTo(250);
  }

  @Test
  void theForecastIsTheFirstNonEmptyOne() {
    List<CarbonSignal> f = List.of(signal("trace", "2026-03-01T11:00:00Z", 260));
    CarbonSource c = chain(Duration.ofSeconds(5),
        new ScriptedSource("em").forecasts(List.of()), new ScriptedSource("trace").forecasts(f));
    assertThat(c.forecast("DE", Duration.ofHours(24))).isEqualTo(f);
  }
}
