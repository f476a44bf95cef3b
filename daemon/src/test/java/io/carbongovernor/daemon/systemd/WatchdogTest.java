package io.carbongovernor.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The watchdog rule, on a clock the test moves and a tick count the test sets. */
class WatchdogTest {

  private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  private final MutableClock clock = new MutableClock(START);
  private final AtomicLong ticks = new AtomicLong(1);
  private final List<String> sent = new ArrayList<>();

  /** Records what would go to systemd. */
  private final SystemdNotifier notifier =
      new SystemdNotifier() {
        @Override
        public boolean send(String state) {
          sent.add(state);
          return true;
        }

        @Override
        public boolean enabled() {
          return true;
        }
      };

  private void after(Duration d) {
    clock.set(clock.instant().plus(d));
  }

  @Test
  void theRuleAllowsTwoIntervalsOrOneIntervalPlusTheWatchdogTimeout() {
    Duration sixty = Duration.ofSeconds(60);
    assertThat(Watchdog.maxTickAge(Duration.ofMinutes(5), Optional.of(sixty))).isEqualTo(Duration.ofMinutes(10));
    assertThat(Watchdog.maxTickAge(Duration.ofSeconds(10), Optional.of(sixty))).isEqualTo(Duration.ofSeconds(70));
    assertThat(Watchdog.maxTickAge(Duration.ofSeconds(60), Optional.of(sixty))).isEqualTo(Duration.ofSeconds(120));
    assertThat(Watchdog.maxTickAge(Duration.ofSeconds(10), Optional.empty())).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void pingsWhileTicksComplete() {
    Watchdog watchdog = new Watchdog(notifier, clock, ticks::get, Duration.ofSeconds(20), true);

    for (int i = 0; i < 5; i++) {
      after(Duration.ofSeconds(10));
      ticks.incrementAndGet();
      assertThat(watchdog.check()).isTrue();
    }

    assertThat(sent).containsExactly("WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1");
  }

  @Test
  void aStalledLoopStopsThePingsAndATickResumesThem() {
    Watchdog watchdog = new Watchdog(notifier, clock, ticks::get, Duration.ofSeconds(20), true);

    after(Duration.ofSeconds(20));
    assertThat(watchdog.check()).as("exactly at the limit").isTrue();
    assertThat(sent).hasSize(1);

    after(Duration.ofMillis(1));
    assertThat(watchdog.check()).as("past the limit").isFalse();
    after(Duration.ofSeconds(30));
    assertThat(watchdog.check()).isFalse();
    assertThat(sent).as("no pings while stalled").hasSize(1);
    assertThat(watchdog.sinceLastTick()).isEqualTo(Duration.ofMillis(50_001));

    ticks.incrementAndGet(); // the loop completes a tick again
    after(Duration.ofSeconds(1));
    assertThat(watchdog.check()).isTrue();
    assertThat(sent).hasSize(2);
    assertThat(watchdog.sinceLastTick()).isZero();
  }

  @Test
  void aTickCountsFromWhenItWasSeenNotFromWhenTheWatchdogStarted() {
    Watchdog watchdog = new Watchdog(notifier, clock, ticks::get, Duration.ofSeconds(20), true);
    after(Duration.ofSeconds(15));
    ticks.incrementAndGet();
    assertThat(watchdog.check()).isTrue();

    after(Duration.ofSeconds(20));
    assertThat(watchdog.check()).as("20 s after the tick was seen").isTrue();
    after(Duration.ofSeconds(1));
    assertThat(watchdog.check()).isFalse();
  }

  @Test
  void withoutAWatchdogItJudgesButNeverPings() {
    Watchdog watchdog = new Watchdog(notifier, clock, ticks::get, Duration.ofSeconds(20), false);

    assertThat(watchdog.check()).isTrue();
    after(Duration.ofSeconds(21));
    assertThat(watchdog.check()).isFalse();

    assertThat(sent).isEmpty();
  }

  @Test
  void readsTheTimeoutFromTheEnvironmentForThisProcessOnly() {
    Map<String, String> env = Map.of("WATCHDOG_USEC", "60000000");
    assertThat(Watchdog.timeout(env, 42)).contains(Duration.ofSeconds(60));
    assertThat(Watchdog.timeout(Map.of("WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "42"), 42))
        .contains(Duration.ofSeconds(60));
    assertThat(Watchdog.timeout(Map.of("WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "7"), 42)).isEmpty();
    assertThat(Watchdog.timeout(Map.of(), 42)).isEmpty();
  }

  @Test
  void aMalformedTimeoutIsAnErrorThatNamesTheVariable() {
    assertThatThrownBy(() -> Watchdog.timeout(Map.of("WATCHDOG_USEC", "sixty"), 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("WATCHDOG_USEC")
        .hasMessageContaining("'sixty'");
    assertThatThrownBy(() -> Watchdog.timeout(Map.of("WATCHDOG_USEC", "0"), 42))
        .hasMessageContaining("positive");
    assertThatThrownBy(() -> Watchdog.timeout(Map.of("WATCHDOG_USEC", "1", "WATCHDOG_PID", "x"), 42))
        .hasMessageContaining("WATCHDOG_PID");
  }
}
