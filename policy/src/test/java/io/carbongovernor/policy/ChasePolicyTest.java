package io.carbongovernor.policy;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.STATE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChasePolicyTest {

  private static Power decide(double eta, Optional<CarbonSignal> signal, List<CarbonSignal> forecast, List<CarbonSignal> history) {
    Policy chase = Policies.chase(ChaseSettings.DEFAULTS.withEta(eta));
    return chase.decide(new PolicyInput(T0, signal, forecast, List.of(STATE), history, Optional.empty()))
        .limits().get(0).target();
  }

  private static Power decide(double eta, double intensity) {
    return decide(eta, Optional.of(TestWorld.slot(T0, intensity)), List.of(), List.of());
  }

  @Test
  void picksTheLimitOfLeastCostAsComputedByHand() {
    // P_ref * CI_ref = 300 W * 750 = 225000. eta 0.9, CI 1000: 100 W (90000 + 22500) * 2 = 225000,
    // 200 W (135000 + 22500) * 1.25 = 196875, 300 W 180000 + 22500 = 202500 -> 200 W.
    assertThat(decide(0.9, 1000)).isEqualTo(Power.ofWatts(200));
    // CI 100: 63000, 45000, 40500 -> 300 W.
    assertThat(decide(0.9, 100)).isEqualTo(Power.ofWatts(300));
    // eta 1 ignores time: energy per epoch times CI, least at 200 W (187.5 J).
    assertThat(decide(1.0, 400)).isEqualTo(Power.ofWatts(200));
    // eta 0 only counts time: the fastest.
    assertThat(decide(0.0, 3000)).isEqualTo(Power.ofWatts(300));
    // Chase's default eta 0.5 at CI 400: 265000, 178125, 152500 -> 300 W.
    assertThat(decide(0.5, 400)).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void referencePowerAndIntensityAreKnobs() {
    // A small reference makes time cheap: eta 0.5, P_ref*CI_ref = 100 * 10 = 1000, CI 400:
    // 100 W (20000 + 500) * 2 = 41000, 200 W (30000 + 500) * 1.25 = 38125, 300 W 40500 -> 200 W.
    Policy chase = Policies.chase(new ChaseSettings(0.5, Optional.of(Power.ofWatts(100)), CarbonIntensity.gramsPerKwh(10)));
    PolicyInput input = new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 400)), List.of(), List.of(STATE));
    assertThat(chase.decide(input).limits().get(0).target()).isEqualTo(Power.ofWatts(200));
    assertThat(chase.decide(input).limits().get(0).reason()).contains("eta 0.50").contains("400 g/kWh").contains("signal");
  }

  @Test
  void nextIntensityComesFromTheForecastThenFromHistory() {
    assertThat(decide(0.9, Optional.empty(), TestWorld.hours(T0, 1000), List.of())).isEqualTo(Power.ofWatts(200));
    assertThat(decide(0.9, Optional.empty(), TestWorld.hours(T0, 100), List.of())).isEqualTo(Power.ofWatts(300));
    // A day of flat 1000 g/kWh history: the one-step model predicts 1000.
    List<CarbonSignal> flatDirty = new ArrayList<>();
    for (int h = 24; h >= 1; h--) {
      flatDirty.add(TestWorld.slot(T0.minusSeconds(3600L * h), 1000));
    }
    assertThat(decide(0.9, Optional.empty(), List.of(), flatDirty)).isEqualTo(Power.ofWatts(200));
    // Nothing at all: full speed.
    assertThat(decide(0.9, Optional.empty(), List.of(), List.of())).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void oneStepModelLearnsADailyCycle() {
    List<CarbonSignal> history = new ArrayList<>();
    for (int h = 48; h >= 1; h--) {
      java.time.Instant start = T0.minusSeconds(3600L * h);
      double hour = start.getEpochSecond() / 3600.0;
      history.add(TestWorld.slot(start, 300 + 100 * Math.sin(2 * Math.PI * hour / 24)));
    }
    double expected = 300 + 100 * Math.sin(2 * Math.PI * (T0.getEpochSecond() / 3600.0) / 24);
    assertThat(OneStepModel.predict(history, T0)).hasValueSatisfying(v -> assertThat(v).isCloseTo(expected, org.assertj.core.data.Offset.offset(15.0)));
  }

  @Test
  void aGpuWithoutProfileRunsAtFullSpeed() {
    GpuState bare = new GpuState(GPU, Power.ofWatts(250), Power.ofWatts(250));
    Decision d = Policies.chase(ChaseSettings.DEFAULTS.withEta(1))
        .decide(new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 900)), List.of(), List.of(bare)));
    assertThat(d.limits().get(0).target()).isEqualTo(Power.ofWatts(250));
    assertThat(d.limits().get(0).reason()).contains("no workload profile");
  }

  @Test
  void neverAboveTheOriginalLimit() {
    GpuState lowered = new GpuState(GPU, Power.ofWatts(250), Power.ofWatts(250)).withProfile(TestWorld.PROFILE);
    Decision d = Policies.chase(ChaseSettings.DEFAULTS.withEta(0))
        .decide(new PolicyInput(T0, Optional.of(TestWorld.slot(T0, 100)), List.of(), List.of(lowered)));
    assertThat(d.limits().get(0).target()).isEqualTo(Power.ofWatts(250));
  }

  @Test
  void etaOutsideZeroToOneIsRejected() {
    assertThatThrownBy(() -> ChaseSettings.DEFAULTS.withEta(1.5)).hasMessageContaining("eta must be within [0, 1]");
  }
}
