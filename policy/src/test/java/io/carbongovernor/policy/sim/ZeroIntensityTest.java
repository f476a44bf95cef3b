package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.PROFILE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import io.carbongovernor.policy.Policies;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Grids that reach 0 g/kWh (hydro or solar surplus; real traces hold such hours): every policy
 * prices time against intensity, and a zero must neither divide nor stall a decision.
 */
class ZeroIntensityTest {

  /** Days of 300 g/kWh with six hours at exactly 0 around noon, and a dirtier evening; jobs of a day at full speed. */
  private static final Simulator SURPLUS_NOON = Simulator.create(SimulatorTest.hourly(24 * 90, h -> {
    int hour = h % 24;
    return hour >= 10 && hour < 16 ? 0 : hour >= 18 && hour < 22 ? 450 : 300;
  }), GPU, PROFILE);

  @Test
  void onAGridWithZeroHoursEveryPolicyFinishesEveryJobWithinItsBudget() {
    List<Instant> starts = Experiment.starts(SURPLUS_NOON, T0.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(70), 86_400);
    Experiment ex = Experiment.of(SURPLUS_NOON, starts, 86_400);
    for (BudgetScope scope : BudgetScope.values()) {
      Result r = ex.measure(Contenders.forecast(5, scope));
      assertThat(r.carbonChangePercent()).as(scope.word()).isFinite().isNegative();
      assertThat(r.timeChangePercent()).as(scope.word()).isBetween(0.0, 5 + 0.5);
      assertThat(r.oracleFraction()).as(scope.word()).isGreaterThan(0.95).isLessThanOrEqualTo(1 + 1e-9);
    }
    Result chase = ex.measure(Contenders.chase(ChaseSettings.DEFAULTS));
    assertThat(chase.carbonChangePercent()).isFinite();
  }

  @Test
  void whereTheGridIsAlwaysAtZeroNothingIsSlowed() {
    // Nothing to save: any slowdown would be time spent for no carbon.
    Simulator clean = Simulator.create(SimulatorTest.hourly(24 * 30, h -> 0), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(clean, T0.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(15), 40_000);
    Experiment ex = Experiment.of(clean, starts, 40_000);
    for (Contender c : List.of(Contenders.forecast(5, BudgetScope.JOB), Contenders.forecast(5, BudgetScope.TEAM),
        Contenders.chase(ChaseSettings.DEFAULTS), Contender.of("forecast", "budget=5%/team/366d", 5,
            Policies.forecast(ForecastSettings.percent(5).withScope(BudgetScope.TEAM).withWindow(Duration.ofDays(366)))))) {
      Result r = ex.measure(c, false);
      assertThat(r.carbonChangePercent()).as(c.knob()).isCloseTo(0, offset(1e-9));
      assertThat(r.timeChangePercent()).as(c.knob()).isCloseTo(0, offset(1e-9));
    }
  }
}
