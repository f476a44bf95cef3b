package io.carbongovernor.carbon;

import static io.carbongovernor.carbon.ScriptedSource.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HealthTrackingSourceTest {

  final MovableClock clock = new MovableClock("2026-03-01T10:10:00Z");
  final FakeTicker ticker = new FakeTicker();

  /** A source that takes 40 ms of ticker time per call. */
  CarbonSource slow(ScriptedSource s) {
    return new CarbonSource() {
      @Override
      public String name() {
        return s.name();
      }

      @Override
      public CarbonSignal current(String zone) {
        ticker.advance(Duration.ofMillis(40));
        return s.current(zone);
      }

      @Override
      public java.util.List<CarbonSignal> forecast(String zone, Duration horizon) {
        return s.forecast(zone, horizon);
      }

      @Override
      public java.util.List<CarbonSignal> history(String zone, Instant from, Instant to) {
        return s.history(zone, from, to);
      }
    };
  }

  @Test
  void successesFailuresAndLatencyAreKept() {
    ScriptedSource upstream = new ScriptedSource("em")
        .answers(signal("em", "2026-03-01T10:00:00Z", 300)).fails(Kind.UNAVAILABLE).fails(Kind.UNAVAILABLE)
        .answers(signal("em", "2026-03-01T10:00:00Z", 300));
    TrackedCarbonSource tracked = CarbonSources.tracked(slow(upstream), clock, ticker);
    assertThat(tracked.health()).isEqualTo(SourceHealth.initial("em"));
    assertThat(tracked.health().healthy()).isFalse();

    tracked.current("DE");
    assertThat(tracked.health().healthy()).isTrue();
    assertThat(tracked.health().lastLatency()).contains(Duration.ofMillis(40));

    try (LogCapture logs = new LogCapture()) {
      clock.advance(Duration.ofMinutes(5));
      catchThrowableOfType(CarbonSourceException.class, () -> tracked.current("DE"));
      clock.advance(Duration.ofMinutes(5));
      catchThrowableOfType(CarbonSourceException.class, () -> tracked.current("DE"));
      SourceHealth h = tracked.health();
      assertThat(h.consecutiveFailures()).isEqualTo(2);
      assertThat(h.lastSuccess()).contains(Instant.parse("2026-03-01T10:10:00Z"));
      assertThat(h.lastFailure()).contains(Instant.parse("2026-03-01T10:20:00Z"));
      assertThat(h.lastError()).contains("unavailable: em: scripted UNAVAILABLE");
      assertThat(h.calls()).isEqualTo(3);

      tracked.current("DE");
      assertThat(tracked.health().consecutiveFailures()).isZero();
      assertThat(tracked.health().lastError()).as("kept for status").isPresent();
      // One line when it started failing, one when it recovered; not one per failure.
      assertThat(logs.events()).extracting(e -> e.getMessage())
          .containsExactly("carbon source failing", "carbon source recovered");
    }
  }
}
