package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How much each policy may slow one job, as the queue plans a start with it. */
class JobSlowdownBoundTest {

  @Test
  void fullSpeedNeverSlowsAJob() {
    assertThat(Policies.fullSpeed().jobSlowdownBound()).hasValue(0);
  }

  @Test
  void aPerJobBudgetBindsEachJobAndATeamsBudgetItsJobCeiling() {
    assertThat(Policies.forecast(ForecastSettings.percent(5)).jobSlowdownBound()).hasValue(0.05);
    ForecastSettings team = new ForecastSettings(0.05, ForecastSettings.DEFAULT_HORIZON,
        ForecastSettings.BudgetScope.TEAM);
    assertThat(Policies.forecast(team).jobSlowdownBound().getAsDouble()).isCloseTo(0.15, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(Policies.forecast(team.withJobCeiling(0.4)).jobSlowdownBound()).hasValue(0.4);
  }

  @Test
  void capsSetNoBound() {
    assertThat(Policies.staticCap(PowerCap.fractionOfMax(0.6)).jobSlowdownBound()).isEmpty();
    assertThat(Policies.bands(List.of(
        new Band(java.util.Optional.of(io.carbongovernor.carbon.CarbonIntensity.gramsPerKwh(200)),
            PowerCap.fractionOfMax(1.0), java.util.OptionalInt.empty()),
        new Band(java.util.Optional.empty(), PowerCap.fractionOfMax(0.6), java.util.OptionalInt.empty())))
        .jobSlowdownBound()).isEmpty();
  }
}
