package io.carbongovernor.policy.defer;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.policy.TestWorld;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StartPlannerTest {

  private static final Instant T0 = TestWorld.T0;
  private static final Duration SIX_HOURS = Duration.ofHours(6);
  private static final StartPlanner PLANNER = new StartPlanner(DeferSettings.DEFAULTS);

  /** A clock the test moves: planning reads the time from it, never from the system. */
  private static final class TestClock extends Clock {
    private Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  /** 30 hours at 400 g/kWh but for the clean window from 10:00 to 18:00 at 50. */
  private static List<CarbonSignal> dayWithWindow() {
    double[] v = new double[30];
    for (int h = 0; h < v.length; h++) {
      v[h] = h >= 10 && h < 18 ? 50 : 400;
    }
    return TestWorld.hours(T0, v);
  }

  @Test
  void startsAtTheKnownBestWindow() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    StartPlan plan = PLANNER.plan(T0, job, dayWithWindow(), List.of());
    assertThat(plan.start()).isEqualTo(T0.plus(Duration.ofHours(10)));
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.FORECAST);
    // At 5 % slowdown the run is 6.3 h, within the window from its start: the earliest of equals.
    assertThat(plan.expectedAtStart().getAsDouble()).isCloseTo(50, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(plan.expectedNow().getAsDouble()).isCloseTo(400, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(plan.changePercent().getAsDouble()).isLessThan(-70);
    assertThat(plan.due(Duration.ofMinutes(5))).isFalse();
  }

  @Test
  void aQueueThatReplansEachIntervalStartsAtTheWindowAsTheClockMoves() {
    TestClock clock = new TestClock(T0);
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    Duration interval = Duration.ofMinutes(5);
    Instant started = null;
    for (int tick = 0; tick < 24 * 12 && started == null; tick++) {
      Instant now = clock.instant();
      List<CarbonSignal> known = CarbonSignal.startingFrom(dayWithWindow(), now.minusSeconds(3599));
      StartPlan plan = PLANNER.plan(now, job, known, List.of());
      if (plan.due(interval)) {
        started = now;
      }
      clock.advance(interval);
    }
    assertThat(started).isEqualTo(T0.plus(Duration.ofHours(10)));
  }

  @Test
  void aLaterForecastMovesThePlan() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    Instant twoAm = T0.plus(Duration.ofHours(2));
    List<CarbonSignal> updated = new ArrayList<>(dayWithWindow());
    // The new forecast puts a cleaner window at 03:00-10:00.
    for (int h = 3; h < 10; h++) {
      updated.set(h, TestWorld.slot(T0.plus(Duration.ofHours(h)), 20));
    }
    assertThat(PLANNER.plan(twoAm, job, CarbonSignal.startingFrom(dayWithWindow(), twoAm), List.of()).start())
        .isEqualTo(T0.plus(Duration.ofHours(10)));
    assertThat(PLANNER.plan(twoAm, job, CarbonSignal.startingFrom(updated, twoAm), List.of()).start())
        .isEqualTo(T0.plus(Duration.ofHours(3)));
  }

  @Test
  void neverPlansPastTheLatestFeasibleStartWhateverTheSignalSays() {
    // The clean window is at 10:00, but the deadline at 14:00 leaves a latest start of
    // 14:00 - 6.3 h - 15 min = 07:27.
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(14)));
    Instant latest = T0.plus(Duration.ofHours(7)).plus(Duration.ofMinutes(27));
    assertThat(job.latestStart(DeferSettings.DEFAULTS)).isEqualTo(latest);
    StartPlan plan = PLANNER.plan(T0, job, dayWithWindow(), List.of());
    assertThat(plan.latestStart()).isEqualTo(latest);
    assertThat(plan.start()).isEqualTo(latest);
    // A queue looking every 5 minutes starts it by then, not at the window.
    assertThat(PLANNER.plan(latest.minus(Duration.ofMinutes(4)), job,
        CarbonSignal.startingFrom(dayWithWindow(), latest.minusSeconds(3600)), List.of()).due(Duration.ofMinutes(5)))
        .isTrue();
  }

  @Test
  void neverStartsAfterTheLatestStartOnRandomSignals() {
    Random random = new Random(20261207L);
    for (int trial = 0; trial < 500; trial++) {
      int hours = 2 + random.nextInt(40);
      double[] v = new double[hours];
      for (int i = 0; i < hours; i++) {
        v[i] = random.nextInt(6) == 0 ? 0 : random.nextDouble() * 900;
      }
      List<CarbonSignal> signals = TestWorld.hours(T0, v);
      Duration expected = Duration.ofMinutes(1 + random.nextInt(600));
      Instant deadline = T0.plus(Duration.ofMinutes(random.nextInt(36 * 60)));
      DeferSettings settings = new DeferSettings(random.nextDouble() * 0.3, Duration.ofMinutes(random.nextInt(60)));
      StartPlanner planner = new StartPlanner(settings);
      DeferredJob job = new DeferredJob(expected, deadline);
      Duration interval = Duration.ofMinutes(1 + random.nextInt(60));
      Instant now = T0.plus(Duration.ofMinutes(random.nextInt(60)));
      Instant started = null;
      for (int tick = 0; tick < 10_000 && started == null; tick++, now = now.plus(interval)) {
        StartPlan plan = planner.plan(now, job, CarbonSignal.startingFrom(signals, now.minusSeconds(3599)), List.of());
        assertThat(plan.start()).isBetween(now, now.isAfter(plan.latestStart()) ? now : plan.latestStart());
        if (plan.due(interval)) {
          started = now;
        }
      }
      Instant latest = job.latestStart(settings);
      assertThat(started).as("trial %d", trial).isNotNull();
      assertThat(started).as("trial %d", trial).isBeforeOrEqualTo(latest.isAfter(T0.plus(Duration.ofHours(1))) ? latest
          : T0.plus(Duration.ofHours(1)));
    }
  }

  @Test
  void withNoForecastAndNoHistoryStartsAtOnce() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    StartPlan plan = PLANNER.plan(T0, job, List.of(), List.of());
    assertThat(plan.start()).isEqualTo(T0);
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.NONE);
    assertThat(plan.due(Duration.ofMinutes(5))).isTrue();
    assertThat(plan.expectedAtStart()).isEmpty();
  }

  @Test
  void withOnlyTheCurrentSignalItStartsAtOnce() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    StartPlan plan = PLANNER.plan(T0, job, List.of(TestWorld.slot(T0, 300)), List.of());
    assertThat(plan.start()).isEqualTo(T0);
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.PARTIAL_FORECAST);
  }

  @Test
  void pastItsLatestStartAJobStartsAtOnce() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(5)));
    StartPlan plan = PLANNER.plan(T0, job, dayWithWindow(), List.of());
    assertThat(plan.start()).isEqualTo(T0);
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.LATEST_START);
    assertThat(plan.due(Duration.ofMinutes(5))).isTrue();
  }

  @Test
  void withHistoryAloneTheDailyDipIsFoundFromYesterday() {
    // Two days of history with the dip at 10:00-16:00 each day; planning at midnight of day 3.
    double[] v = new double[48];
    for (int h = 0; h < 48; h++) {
      v[h] = h % 24 >= 10 && h % 24 < 16 ? 60 : 380;
    }
    List<CarbonSignal> history = TestWorld.hours(T0, v);
    Instant now = T0.plus(Duration.ofDays(2));
    DeferredJob job = new DeferredJob(SIX_HOURS, now.plus(Duration.ofHours(24)));
    StartPlan plan = PLANNER.plan(now, job, List.of(), history);
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.HISTORY);
    assertThat(plan.start()).isEqualTo(now.plus(Duration.ofHours(10)));
  }

  /**
   * Weather in spells of days: still (400) from day 0 to 2, windy (150) from day 3 to 5, still
   * again until noon of day 7, windy from then until 10:00 of day 8, still after. No daily shape.
   */
  private static double spells(int hour) {
    if (hour < 3 * 24 || (hour >= 6 * 24 && hour < 7 * 24 + 12) || hour >= 8 * 24 + 10) {
      return 400;
    }
    return 150;
  }

  @Test
  void withAWeekOfHistoryAWindySpellUnderWayIsUsedRatherThanWaitedOut() {
    // At midnight of day 8 the wind has blown for twelve hours. Yesterday's clean afternoon is no
    // dip to wait for: departures have held for days in this history, so the spell is expected to
    // last, and the run from now is the cleanest expected. A queue looking each hour starts at once.
    double[] truth = new double[10 * 24];
    for (int h = 0; h < truth.length; h++) {
      truth[h] = spells(h);
    }
    List<CarbonSignal> trace = TestWorld.hours(T0, truth);
    Instant arrival = T0.plus(Duration.ofDays(8));
    DeferredJob job = new DeferredJob(SIX_HOURS, arrival.plus(Duration.ofHours(24)));
    Instant started = null;
    for (Instant now = arrival; started == null; now = now.plus(Duration.ofHours(1))) {
      int slot = (int) Duration.between(T0, now).toHours();
      StartPlan plan = PLANNER.plan(now, job, List.of(trace.get(slot)),
          CarbonSignal.startingFrom(trace.subList(0, slot), now.minus(Duration.ofDays(8))));
      assertThat(plan.basis()).isEqualTo(StartPlan.Basis.PARTIAL_FORECAST);
      if (plan.due(Duration.ofHours(1))) {
        started = now;
      }
    }
    assertThat(started).isEqualTo(arrival);
  }

  @Test
  void withAWeekOfHistoryTheDailyDipIsFound() {
    double[] v = new double[8 * 24];
    for (int h = 0; h < v.length; h++) {
      v[h] = (h % 24 >= 10 && h % 24 < 16 ? 60 : 380) + (h / 24) * 5;
    }
    Instant now = T0.plus(Duration.ofDays(8));
    DeferredJob job = new DeferredJob(SIX_HOURS, now.plus(Duration.ofHours(24)));
    StartPlan plan = PLANNER.plan(now, job, List.of(), TestWorld.hours(T0, v));
    assertThat(plan.basis()).isEqualTo(StartPlan.Basis.HISTORY);
    assertThat(plan.start()).isEqualTo(now.plus(Duration.ofHours(10)));
  }

  @Test
  void neverStartsAfterTheLatestStartOnRandomHistories() {
    Random random = new Random(20261208L);
    for (int trial = 0; trial < 200; trial++) {
      int hours = 24 * (1 + random.nextInt(10)) + random.nextInt(24);
      double[] v = new double[hours + 48];
      double level = random.nextDouble() * 600;
      for (int i = 0; i < v.length; i++) {
        if (random.nextInt(20) == 0) {
          level = random.nextDouble() * 600;
        }
        v[i] = Math.max(0, level + random.nextGaussian() * 50 + (i % 24 >= 10 && i % 24 < 16 ? -100 : 0));
      }
      List<CarbonSignal> trace = TestWorld.hours(T0, v);
      Instant arrival = T0.plus(Duration.ofHours(hours)).plus(Duration.ofMinutes(random.nextInt(60)));
      DeferredJob job = new DeferredJob(Duration.ofMinutes(1 + random.nextInt(600)),
          arrival.plus(Duration.ofMinutes(random.nextInt(30 * 60))));
      DeferSettings settings = new DeferSettings(random.nextDouble() * 0.3, Duration.ofMinutes(random.nextInt(60)));
      StartPlanner planner = new StartPlanner(settings);
      Duration interval = Duration.ofMinutes(1 + random.nextInt(60));
      Instant started = null;
      for (Instant now = arrival; started == null && now.isBefore(T0.plus(Duration.ofHours(v.length)));
          now = now.plus(interval)) {
        int slot = (int) Duration.between(T0, now).toHours();
        StartPlan plan = planner.plan(now, job, List.of(trace.get(slot)),
            CarbonSignal.startingFrom(trace.subList(0, slot), now.minus(Duration.ofDays(8))));
        assertThat(plan.start()).isBetween(now, now.isAfter(plan.latestStart()) ? now : plan.latestStart());
        if (plan.due(interval)) {
          started = now;
        }
      }
      Instant latest = job.latestStart(settings);
      assertThat(started).as("trial %d", trial).isNotNull();
      assertThat(started).as("trial %d", trial).isBeforeOrEqualTo(latest.isAfter(arrival) ? latest : arrival);
    }
  }

  @Test
  void equalWindowsKeepTheEarliest() {
    DeferredJob job = new DeferredJob(SIX_HOURS, T0.plus(Duration.ofHours(24)));
    double[] flat = new double[30];
    java.util.Arrays.fill(flat, 200);
    StartPlan plan = PLANNER.plan(T0, job, TestWorld.hours(T0, flat), List.of());
    assertThat(plan.start()).isEqualTo(T0);
  }

  @Test
  void badSettingsAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DeferSettings(-0.1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowdown");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DeferredJob(Duration.ZERO, T0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
