package io.carbongovernor.policy;

import static io.carbongovernor.policy.TestWorld.STATE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
      java.time.Instant start = T0.minusSeconds(3600L * h);
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
}
