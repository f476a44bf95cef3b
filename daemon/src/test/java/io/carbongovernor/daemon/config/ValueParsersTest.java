package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.PowerCap;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations, caps and "did you mean" on their own. */
class ValueParsersTest {

  @Test
  void durations() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("1m0s250ms")).isEqualTo(Duration.ofMillis(60_250));
  }

  @Test
  void badDurations() {
    for (String bad : new String[] {"", "5", "1.5h", "30m1h", "1h1h", "5 m", "-5m", "5min", "m"}) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> Durations.parse("5"))
        .hasMessage("give a unit: 10s or 5m, not a bare number (got 5)");
  }

  @Test
  void formatsDurationsTheWayTheyAreWritten() {
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void caps() {
    assertThat(Caps.parseCap("250W")).isEqualTo(PowerCap.watts(Power.ofWatts(250)));
    assertThat(Caps.parseCap("250 W")).isEqualTo(PowerCap.watts(Power.ofWatts(250)));
    assertThat(Caps.parseCap("112.5W")).isEqualTo(PowerCap.watts(Power.ofWatts(112.5)));
    assertThat(Caps.parseCap("80%")).isEqualTo(PowerCap.fractionOfMax(0.8));
    assertThat(Caps.parseCap("100%")).isEqualTo(PowerCap.fractionOfMax(1.0));
    assertThat(Caps.parsePower("0W")).isEqualTo(Power.ZERO);
  }

  @Test
  void suggestions() {
    assertThat(Suggestions.closest("intervall", java.util.List.of("interval", "zone")))
        .contains("interval");
    assertThat(Suggestions.closest("colour", java.util.List.of("interval", "zone"))).isEmpty();
    assertThat(Suggestions.oneOf(java.util.List.of("a", "b", "c"))).isEqualTo("a, b or c");
  }
}
