package io.carbongovernor.daemon.teams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MonthlyBudgetTest {

  private static final PowerConstraints RANGE = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300));
  // Energy per epoch: 150 W: 200 s x 140 W = 28 kJ; 200 W: 120 s x 180 W = 21.6 kJ (least); 300 W: 100 s x 260 W = 26 kJ.
  private static final Optional<PowerProfile> PROFILE =
      Optional.of(
          PowerProfile.of(
              "test",
              List.of(
                  new PowerProfile.Point(Power.ofWatts(150), Duration.ofSeconds(200), Power.ofWatts(140)),
                  new PowerProfile.Point(Power.ofWatts(200), Duration.ofSeconds(120), Power.ofWatts(180)),
                  new PowerProfile.Point(Power.ofWatts(300), Duration.ofSeconds(100), Power.ofWatts(260)))));

  private static Power at(double spent) {
    return MonthlyBudget.apply(Power.ofWatts(300), spent, RANGE, Power.ofWatts(300), PROFILE).limit();
  }

  @Test
  void theBudgetTightensLinearlyFromEightyPercentToTheEfficientLimit() {
    assertThat(at(0.5)).isEqualTo(Power.ofWatts(300));
    assertThat(at(0.79)).isEqualTo(Power.ofWatts(300));
    assertThat(at(0.8)).isEqualTo(Power.ofWatts(300));
    assertThat(at(0.9)).isEqualTo(Power.ofWatts(250));
    assertThat(at(1.0)).isEqualTo(Power.ofWatts(200));
    assertThat(at(3.0)).isEqualTo(Power.ofWatts(200));
    assertThat(MonthlyBudget.apply(Power.ofWatts(300), 0.9, RANGE, Power.ofWatts(300), PROFILE).note().orElseThrow())
        .contains("90% spent").contains("200 W");
  }

  @Test
  void aPolicyAlreadyBelowTheEfficientLimitIsLeftAlone() {
    MonthlyBudget.Tightened t = MonthlyBudget.apply(Power.ofWatts(150), 1.5, RANGE, Power.ofWatts(300), PROFILE);
    assertThat(t.limit()).isEqualTo(Power.ofWatts(150));
    assertThat(t.note()).isEmpty();
  }

  @Test
  void withoutAProfileTheTargetIsHalfwayBetweenMinimumAndOriginal() {
    assertThat(MonthlyBudget.apply(Power.ofWatts(300), 1.0, RANGE, Power.ofWatts(300), Optional.empty()).limit())
        .isEqualTo(Power.ofWatts(200));
  }
}
