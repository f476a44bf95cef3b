package io.carbongovernor.policy;

import static io.carbongovernor.policy.TestWorld.STATE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Power;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ForecastPolicyTest {

  /** A job of four full-speed hours (14400 epochs at 1 epoch/s), started now. */
  private static final JobProgress JOB = new JobProgress(T0, 14_400, 0);

  private static Power decide(double budget, List<CarbonSignal> slots, JobProgress job) {
    Policy forecast = Policies.forecast(new ForecastSettings(budget, Duration.ofHours(48)));
    PolicyInput input =
        new PolicyInput(T0, Optional.of(slots.get(0)), slots.subList(1, slots.size()), List.of(STATE))
            .withJob(job);
    return forecast.decide(input).limits().get(0).target();
  }

  @Test
  void spendsTheBudgetOnTheDirtySlot() {
    // Budget 25 %: five hours for four hours of work. Slowing to 200 W (0.8 epoch/s) in one hour
    // costs 0.2 h; slowing to 100 W costs 0.5 h. Dirty now, clean after: slow down now.
    List<CarbonSignal> dirtyFirst = TestWorld.hours(T0, 900, 100, 100, 100, 100);
    assertThat(decide(0.25, dirtyFirst, JOB)).isLessThan(Power.ofWatts(300));
    // Clean now, dirty later: run at full speed now and keep the budget for the dirty hour.
    List<CarbonSignal> dirtyLast = TestWorld.hours(T0, 100, 100, 900, 100, 100);
    assertThat(decide(0.25, dirtyLast, JOB)).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void withoutBudgetItRunsAtFullSpeed() {
    assertThat(decide(0, TestWorld.hours(T0, 900, 100, 100, 100, 100), JOB)).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void aFlatGridGetsTheMostEfficientLimitTheBudgetAllows() {
    // Every hour alike: 200 W saves energy (187.5 vs 200 J per epoch) and costs 25 % of time;
    // 25 % budget lets every hour run at 200 W.
    assertThat(decide(0.25, TestWorld.hours(T0, 300, 300, 300, 300, 300, 300), JOB)).isEqualTo(Power.ofWatts(200));
  }

  @Test
  void pastItsDeadlineAJobRunsAtFullSpeed() {
    JobProgress late = new JobProgress(T0.minusSeconds(10 * 3600), 14_400, 100);
    assertThat(decide(0.25, TestWorld.hours(T0, 900, 900), late)).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void withoutForecastItForecastsFromHistory() {
    // Yesterday and last week: dirty at this hour, clean at the next ones.
    List<CarbonSignal> history = new ArrayList<>();
    for (int h = 8 * 24; h >= 1; h--) {
      Instant start = T0.minusSeconds(3600L * h);
      long hourOfDay = (start.getEpochSecond() / 3600) % 24;
      history.add(TestWorld.slot(start, hourOfDay == 0 ? 900 : 100));
    }
    Policy forecast = Policies.forecast(new ForecastSettings(0.25, Duration.ofHours(48)));
    PolicyInput input =
        new PolicyInput(T0, Optional.empty(), List.of(), List.of(STATE), history, Optional.of(JOB));
    assertThat(forecast.decide(input).limits().get(0).target()).isLessThan(Power.ofWatts(300));
  }

  @Test
  void withoutAJobItGivesUpAtMostTheBudgetsShareOverTheHorizon() {
    Policy forecast = Policies.forecast(new ForecastSettings(0.25, Duration.ofHours(4)));
    List<CarbonSignal> slots = TestWorld.hours(T0, 900, 100, 100, 100, 100);
    PolicyInput input = new PolicyInput(T0, Optional.of(slots.get(0)), slots.subList(1, 5), List.of(STATE));
    Decision d = forecast.decide(input);
    assertThat(d.limits().get(0).target()).isLessThan(Power.ofWatts(300));
    assertThat(d.limits().get(0).reason()).startsWith("forecast: budget 25.0%");
  }

  @Test
  void aTeamBudgetIsSpentWhereTheGridIsDirtyRelativeToWhatWasSeen() {
    // A week of alternating 900 g and 100 g hours, and 900 g now: 85 dirty slots of 169. 200 W
    // costs 25 % of time, so a 13 % team budget (85 * 0.25 / 169 = 12.6 %) throttles the dirty
    // hours only, whatever the job.
    List<CarbonSignal> history = new ArrayList<>();
    for (int h = 7 * 24; h >= 1; h--) {
      history.add(TestWorld.slot(T0.minusSeconds(3600L * h), h % 2 == 0 ? 900 : 100));
    }
    Policy team =
        Policies.forecast(new ForecastSettings(0.13, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM));
    PolicyInput dirty =
        new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 900)), List.of(), List.of(STATE), history, Optional.of(JOB));
    LimitDecision d = team.decide(dirty).limits().get(0);
    assertThat(d.target()).isEqualTo(Power.ofWatts(200));
    assertThat(d.reason()).startsWith("forecast: team budget 13.0%, time priced at").contains("169 slot(s)");
    PolicyInput clean =
        new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 100)), List.of(), List.of(STATE), history, Optional.empty());
    assertThat(team.decide(clean).limits().get(0).target()).isEqualTo(Power.ofWatts(300));
    // The same hour is clean against a week of 2000 g: a tighter budget keeps it at full speed.
    List<CarbonSignal> filthy = new ArrayList<>();
    for (CarbonSignal s : history) {
      filthy.add(TestWorld.slot(s.start(), 2000));
    }
    PolicyInput relative =
        new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 900)), List.of(), List.of(STATE), filthy, Optional.of(JOB));
    Policy tight =
        Policies.forecast(new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM));
    assertThat(tight.decide(relative).limits().get(0).target()).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void aTeamBudgetHoldsAKnownJobWithinItsCeiling() {
    // A week of 100 g hours, and 900 g now: the price throttles this hour to 200 W (0.8 epoch/s),
    // which costs the job 0.2 h.
    List<CarbonSignal> history = new ArrayList<>();
    for (int h = 7 * 24; h >= 1; h--) {
      history.add(TestWorld.slot(T0.minusSeconds(3600L * h), 100));
    }
    ForecastSettings team = new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM);
    assertThat(team.jobCeiling()).isCloseTo(0.15, org.assertj.core.api.Assertions.within(1e-12));
    // Four full-speed hours, one done in 1.5 h: 0.6 h left to the 15 % ceiling (4.6 h), 3 h of work.
    Instant now = T0.plusSeconds(5400);
    JobProgress behind = new JobProgress(T0, 14_400, 3600);
    Policy policy = Policies.forecast(team);
    PolicyInput dirty = new PolicyInput(now, Optional.of(TestWorld.slot(now, 900)), List.of(), List.of(STATE),
        history, Optional.of(behind));
    LimitDecision held = policy.decide(dirty).limits().get(0);
    // 200 W would cost 0.2 h of the 0.1 h of slack: full speed.
    assertThat(held.target()).isEqualTo(Power.ofWatts(300));
    assertThat(held.reason()).contains("the job's ceiling of 15.0% holds it faster");
    // With 1.1 h of slack left (a ceiling of 40 %) the same hour is throttled.
    LimitDecision free = Policies.forecast(team.withJobCeiling(0.40)).decide(dirty).limits().get(0);
    assertThat(free.target()).isEqualTo(Power.ofWatts(200));
    assertThat(free.reason()).doesNotContain("ceiling");
    // Without a known job nothing holds it.
    PolicyInput unknown = new PolicyInput(now, Optional.of(TestWorld.slot(now, 900)), List.of(), List.of(STATE),
        history, Optional.empty());
    assertThat(policy.decide(unknown).limits().get(0).target()).isEqualTo(Power.ofWatts(200));
  }

  @Test
  void aJobCeilingBelowTheBudgetIsRefused() {
    ForecastSettings team = new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> team.withJobCeiling(0.04))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("job ceiling must be within [budget, 10]");
  }

  @Test
  void aTeamsPriceWeighsEachSlotByItsLengthNotByCount() {
    // A week of clean hours, then two dirty hours, and a dirty hour now: 3 of 171 hours dirty.
    // Throttling them to 200 W costs 3 * 25 % / 171 = 0.44 % of time, within a 1 % budget. The
    // same two hours as 24 five-minute slots (a source like WattTime) are 24 of 193 slots by
    // count, 3.2 % of time if each counted as a slot; by length they are still two hours.
    List<CarbonSignal> hourly = new ArrayList<>();
    List<CarbonSignal> fine = new ArrayList<>();
    for (int h = 7 * 24 + 2; h > 2; h--) {
      hourly.add(TestWorld.slot(T0.minusSeconds(3600L * h), 100));
      fine.add(TestWorld.slot(T0.minusSeconds(3600L * h), 100));
    }
    hourly.addAll(TestWorld.hours(T0.minusSeconds(7200), 900, 900));
    for (int i = 24; i >= 1; i--) {
      Instant start = T0.minusSeconds(300L * i);
      fine.add(new CarbonSignal("test", start, start.plusSeconds(300), CarbonIntensity.gramsPerKwh(900),
          SignalKind.AVERAGE, "test", false));
    }
    // The job's ceiling (3 % by default) would hold this four-hour job at full speed: loosen it.
    // A window of 8 days holds all of the history.
    ForecastSettings settings = new ForecastSettings(0.01, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM)
        .withJobCeiling(0.5).withWindow(Duration.ofDays(8));
    CarbonSignal now = TestWorld.slot(T0, 900);
    LimitDecision byHours = Policies.forecast(settings)
        .decide(new PolicyInput(T0, Optional.of(now), List.of(), List.of(STATE), hourly, Optional.of(JOB)))
        .limits().get(0);
    LimitDecision byFiveMinutes = Policies.forecast(settings)
        .decide(new PolicyInput(T0, Optional.of(now), List.of(), List.of(STATE), fine, Optional.of(JOB)))
        .limits().get(0);
    assertThat(byHours.target()).isLessThan(Power.ofWatts(300));
    assertThat(byFiveMinutes.target()).isEqualTo(byHours.target());
    // The same price; only the count of slots differs.
    assertThat(price(byFiveMinutes.reason())).isEqualTo(price(byHours.reason()));
    assertThat(byFiveMinutes.reason()).contains("193 slot(s)");
  }

  /** The price in a team decision's reason: "time priced at 12.3 g/h". */
  private static String price(String reason) {
    Matcher m = Pattern.compile("time priced at ([0-9.]+) g/h").matcher(reason);
    assertThat(m.find()).as(reason).isTrue();
    return m.group(1);
  }

  /** The week's hours before T0: six days at {@code sixDays} g/kWh, then a day at {@code lastDay}. */
  private static List<CarbonSignal> sixDaysThenADay(int sixDays, int lastDay) {
    List<CarbonSignal> hours = new ArrayList<>();
    for (int h = 7 * 24; h >= 1; h--) {
      hours.add(TestWorld.slot(T0.minusSeconds(3600L * h), h <= 24 ? lastDay : sixDays));
    }
    return hours;
  }

  @Test
  void aTeamBudgetLooksBackOverItsWindowOnly() {
    // Six clean days, then a day of 900 g hours, and 900 g now. Over a one-day window every
    // hour is as dirty as now, and a 5 % budget cannot throttle them all; over the week, the
    // dirty day is the dirtiest seventh and 200 W fits (25 % x 1/7 = 3.6 %).
    List<CarbonSignal> history = sixDaysThenADay(100, 900);
    PolicyInput input =
        new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 900)), List.of(), List.of(STATE), history, Optional.of(JOB));
    ForecastSettings team = new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM);
    Policy week = Policies.forecast(team.withWindow(Duration.ofDays(7)));
    Policy day = Policies.forecast(team.withWindow(Duration.ofDays(1)));
    assertThat(week.decide(input).limits().get(0).target()).isEqualTo(Power.ofWatts(200));
    assertThat(day.decide(input).limits().get(0).target()).isEqualTo(Power.ofWatts(300));
    assertThat(week.historyNeeded()).isEqualTo(Duration.ofDays(366)).as("the price floor's window");
    assertThat(Policies.forecast(team.withWindow(Duration.ofDays(7)).withFloorWindow(Duration.ofDays(7))).historyNeeded())
        .isEqualTo(Duration.ofDays(8)).as("the history forecaster's reach");
    assertThat(Policies.forecast(team.withWindow(Duration.ofDays(365)).withFloorWindow(Duration.ofDays(30)))
        .historyNeeded()).isEqualTo(Duration.ofDays(365));
    assertThat(Policies.forecast(ForecastSettings.percent(5)).historyNeeded()).isEqualTo(Duration.ofDays(8));
  }

  /** Six days at {@code sixDays} g/kWh, a day at {@code lastDay}, and {@code now} at T0, for a known job. */
  private static PolicyInput sixDaysThenADayThenNow(int sixDays, int lastDay, int now) {
    return new PolicyInput(T0, Optional.of(TestWorld.slot(T0, now)), List.of(), List.of(STATE),
        sixDaysThenADay(sixDays, lastDay), Optional.of(JOB));
  }

  /** A 5 % team budget over a day, its price floored over {@code floorDays} (1: no floor), deciding {@code input}. */
  private static LimitDecision dayWindowFlooredOver(int floorDays, PolicyInput input) {
    ForecastSettings day = new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM)
        .withWindow(Duration.ofDays(1)).withFloorWindow(Duration.ofDays(floorDays));
    return Policies.forecast(day).decide(input).limits().get(0);
  }

  @Test
  void aSeasonCleanerThanTheFloorWindowIsPricedAsTheFloorWindowIs() {
    // Six days of 900 g hours, then a day of 100 g hours, and 200 g now. Over the one-day window
    // now is the dirtiest hour, and 200 W fits a 5 % budget (25 % x 1/25 = 1 %). Over the week
    // the 900 g hours are the dirtiest, far more than 5 % can throttle: time is priced so high
    // that a 200 g hour runs at full speed, and that price is the floor.
    PolicyInput input = sixDaysThenADayThenNow(900, 100, 200);
    LimitDecision alone = dayWindowFlooredOver(1, input);
    assertThat(alone.target()).isEqualTo(Power.ofWatts(200));
    assertThat(alone.reason()).doesNotContain("floor").contains("25 slot(s)");
    // A floor window of 9 days over 7 days of history: its price is learned on the days seen.
    LimitDecision floored = dayWindowFlooredOver(9, input);
    assertThat(floored.target()).isEqualTo(Power.ofWatts(300));
    assertThat(floored.reason()).contains("(the floor: the price over the last 9 days)").contains("169 slot(s)");
    assertThat(Double.parseDouble(price(floored.reason()))).isGreaterThan(Double.parseDouble(price(alone.reason())));
    // The default floor reaches a year back; here it sees the same week.
    assertThat(dayWindowFlooredOver(366, input).reason()).isEqualTo(floored.reason()
        .replace("last 9 days", "last 366 days"));
    // A floor never lowers the price while the history falls short of its window: a dirty day
    // after a clean week keeps the day's price.
    PolicyInput dirtyDay = sixDaysThenADayThenNow(100, 900, 900);
    LimitDecision withFloor = dayWindowFlooredOver(9, dirtyDay);
    assertThat(withFloor.reason()).isEqualTo(dayWindowFlooredOver(1, dirtyDay).reason());
    assertThat(withFloor.target()).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void aFloorWindowTheHistoryCoversPricesTimeAlone() {
    // Six clean days, a day of 900 g hours, 900 g now. The history covers a floor window of 7
    // days: every season of it is known, so its price alone holds, steady as Chase's, and the
    // dirty day is the dirtiest seventh of it: 200 W. The one-day window's price, higher, would
    // have run it at full speed.
    PolicyInput dirtyDay = sixDaysThenADayThenNow(100, 900, 900);
    LimitDecision known = dayWindowFlooredOver(7, dirtyDay);
    assertThat(known.target()).isEqualTo(Power.ofWatts(200));
    assertThat(known.reason()).contains("(the last 7 days, all of them known)").contains("169 slot(s)");
    // Short by at most a day at its start still counts as covered; by more, not.
    assertThat(dayWindowFlooredOver(8, dirtyDay).reason()).isEqualTo(known.reason().replace("last 7 days", "last 8 days"));
    LimitDecision nineDays = dayWindowFlooredOver(9, dirtyDay);
    assertThat(nineDays.target()).isEqualTo(Power.ofWatts(300));
    assertThat(nineDays.reason()).doesNotContain("known").doesNotContain("floor");
  }

  @Test
  void aPriceFloorWindowOutsideADayToAYearIsRefused() {
    ForecastSettings team = new ForecastSettings(0.05, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> team.withFloorWindow(Duration.ofDays(367)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("price floor window must be within 1d and 366d, got 367d");
    assertThat(team.hasFloor()).isTrue();
    assertThat(team.withFloorWindow(team.window()).hasFloor()).isFalse();
    assertThat(team.withScope(ForecastSettings.BudgetScope.JOB).hasFloor()).isFalse();
  }

  @Test
  void aTeamBudgetWithoutAnyIntensityRunsAtFullSpeed() {
    Policy team =
        Policies.forecast(new ForecastSettings(0.1, Duration.ofHours(48), ForecastSettings.BudgetScope.TEAM));
    PolicyInput nothing = new PolicyInput(T0, Optional.empty(), List.of(), List.of(STATE));
    LimitDecision d = team.decide(nothing).limits().get(0);
    assertThat(d.target()).isEqualTo(Power.ofWatts(300));
    assertThat(d.reason()).isEqualTo("forecast: no intensity known; full speed");
  }
}
