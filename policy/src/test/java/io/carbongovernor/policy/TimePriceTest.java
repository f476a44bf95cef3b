package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.ZeusProfiles;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * On {@link TestWorld#PROFILE}: per epoch, 300 W takes 1 s and 200 J, 200 W 1.25 s and 187.5 J,
 * 100 W 2 s and 200 J. At price p (g/s) and intensity ci (g/kWh) the cost of an epoch is
 * {@code J * ci / 3.6e6 + s * p}: 200 W beats 300 W once {@code 12.5 * ci / 3.6e6 > 0.25 * p}, that
 * is ci / p > 72,000; 100 W never wins (no less energy, more time).
 */
class TimePriceTest {

  private static final LimitOptions OPTIONS = LimitOptions.of(TestWorld.STATE, TestWorld.PROFILE);
  private final TimePrice pricing = new TimePrice(OPTIONS);

  private Power choose(double intensity, double price) {
    return OPTIONS.limit(pricing.choose(intensity, price));
  }

  private double calibrate(double[] intensities, double budget) {
    double[] sorted = intensities.clone();
    Arrays.sort(sorted);
    return pricing.calibrate(sorted, budget);
  }

  @Test
  void theChoiceTurnsAtTheRatioWorkedOutByHand() {
    double price = 0.01;
    assertThat(choose(719, price)).isEqualTo(Power.ofWatts(300));
    assertThat(choose(720, price)).as("a tie goes faster").isEqualTo(Power.ofWatts(300));
    assertThat(choose(721, price)).isEqualTo(Power.ofWatts(200));
    assertThat(choose(1e9, price)).as("100 W draws no less per epoch").isEqualTo(Power.ofWatts(200));
    assertThat(choose(1, 0)).as("time free: the most frugal").isEqualTo(Power.ofWatts(200));
  }

  @Test
  void atAFixedPriceTheRuleIsChasesAtTheMatchingEta() {
    // Chase's cost over eta is (P * ci + (1 - eta) / eta * P_ref * CI_ref) / throughput: the
    // same rule with time priced at (1 - eta) / eta * P_ref * CI_ref / 3.6e6 g/s. So a team's
    // price, held fixed, lands on Chase's frontier; it differs from Chase only by learning the
    // price from what it has seen. Checked on a measured profile of 11 limits.
    Gpu a40 = new Gpu(0, "GPU-a40", "NVIDIA A40",
        new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
    GpuState state = new GpuState(a40, Power.ofWatts(300), Power.ofWatts(300))
        .withProfile(ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256));
    LimitOptions options = LimitOptions.of(state, state.profile().orElseThrow());
    TimePrice rule = new TimePrice(options);
    int compared = 0;
    for (double eta : new double[] {0.2, 0.5, 0.7, 0.9}) {
      Policy chase = Policies.chase(ChaseSettings.DEFAULTS.withEta(eta));
      double price = (1 - eta) / eta * 300 * 750 / 3.6e6;
      Set<Power> chosen = new HashSet<>();
      for (double ci = 0; ci <= 1500; ci += 5) {
        CarbonSignal slot = TestWorld.slot(TestWorld.T0, ci);
        Power byChase = chase.decide(new PolicyInput(TestWorld.T0, Optional.of(slot), List.of(), List.of(state)))
            .limits().get(0).target();
        assertThat(options.limit(rule.choose(ci, price))).as("eta %s, %s g/kWh", eta, ci).isEqualTo(byChase);
        chosen.add(byChase);
        compared++;
      }
      assertThat(chosen).as("eta %s spans several limits", eta).hasSizeGreaterThan(1);
    }
    assertThat(compared).isEqualTo(4 * 301);
  }

  @Test
  void calibrationSpendsTheBudgetOnTheDirtiestSlots() {
    // 200 W costs 25 % more time per slot. Four slots of 900 g and four of 100 g: a 12.5 % budget
    // pays for the four dirty slots only.
    double[] window = {900, 100, 900, 100, 900, 100, 900, 100};
    double price = calibrate(window, 0.125);
    assertThat(choose(900, price)).isEqualTo(Power.ofWatts(200));
    assertThat(choose(100, price)).isEqualTo(Power.ofWatts(300));
    double[] sorted = window.clone();
    Arrays.sort(sorted);
    assertThat(pricing.slowdown(sorted, price)).isCloseTo(0.125, offset(1e-12));
    // The least such price: the clean slots' own turning point (100 / 72,000 g/s), below which
    // they would be slowed too.
    assertThat(price).isCloseTo(100 / 72_000.0, offset(1e-12));
    assertThat(pricing.slowdown(sorted, price * 0.999)).isGreaterThan(0.125);
  }

  @Test
  void aBudgetBelowOneSlotsWorthKeepsFullSpeedAndALargeOneFreesTime() {
    double[] window = {900, 100, 900, 100};
    double tight = calibrate(window, 0.05);
    assertThat(choose(900, tight)).isEqualTo(Power.ofWatts(300));
    assertThat(calibrate(window, 0.25)).isZero();
    assertThat(calibrate(new double[0], 0.05)).isZero();
  }
}
