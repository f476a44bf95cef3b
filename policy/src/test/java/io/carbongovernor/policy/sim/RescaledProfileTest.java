package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A GPU of another power class with the same shape (an A40's profile drawn at 2.5 times the
 * watts, a 750 W part): every policy prices power against time in ratios, so each decides the
 * same and saves the same share. A rule that read watts as absolutes (a fixed reference power,
 * a fixed step in watts) would not.
 */
class RescaledProfileTest {

  private static final double SCALE = 2.5;
  /** Points of change: a price found by bisection lands on slightly different doubles at another scale. */
  private static final double EVEN = 1e-3;

  @Test
  void aProfileScaledInWattsGivesTheSameChangesUnderEveryPolicy() {
    PowerProfile a40 = ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256);
    Gpu gpu = new Gpu(0, "GPU-a40", "a40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
    List<PowerProfile.Point> scaled = new ArrayList<>();
    for (PowerProfile.Point p : a40.points()) {
      scaled.add(new PowerProfile.Point(Power.ofWatts(p.limit().watts() * SCALE), p.epochTime(),
          Power.ofWatts(p.averagePower().watts() * SCALE)));
    }
    PowerProfile big = PowerProfile.of("a40 x2.5", scaled);
    Gpu bigGpu = new Gpu(0, "GPU-big", "big", new PowerConstraints(Power.ofWatts(250), Power.ofWatts(750)), Power.ofWatts(750));

    Random random = new Random(11);
    double[] values = new double[24 * 40];
    for (int h = 0; h < values.length; h++) {
      values[h] = Math.max(0, 300 + 180 * Math.sin(2 * Math.PI * h / 24) + random.nextGaussian() * 60);
    }
    Simulator small = Simulator.create(SimulatorTest.hourly(values.length, h -> values[h]), gpu, a40);
    Simulator large = Simulator.create(SimulatorTest.hourly(values.length, h -> values[h]), bigGpu, big);
    double epochs = 86_400 / a40.epochSecondsAt(Power.ofWatts(300));
    List<Instant> starts = Experiment.starts(small, T0.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(30), epochs);
    Experiment one = Experiment.of(small, starts, epochs);
    Experiment other = Experiment.of(large, starts, epochs);

    List<Contender> policies = List.of(Contenders.forecast(5, BudgetScope.TEAM), Contenders.forecast(5, BudgetScope.JOB),
        Contenders.chase(ChaseSettings.DEFAULTS), Contenders.chase(ChaseSettings.DEFAULTS.withEta(0.9)),
        Contender.oracle(0.05));
    for (Contender c : policies) {
      Result r = one.measure(c);
      Result s = other.measure(c);
      assertThat(s.carbonChangePercent()).as(c.knob()).isCloseTo(r.carbonChangePercent(), offset(EVEN));
      assertThat(s.timeChangePercent()).as(c.knob()).isCloseTo(r.timeChangePercent(), offset(EVEN));
      assertThat(s.oracleFraction()).as(c.knob()).isCloseTo(r.oracleFraction(), offset(EVEN));
    }
    assertThat(one.measure(Contenders.forecast(5, BudgetScope.TEAM)).carbonChangePercent())
        .as("the comparison is between policies that do something").isLessThan(-5);
    // What it would catch: Chase with the reference power fixed at 300 W (Zeus's constant), a
    // watt figure that does not scale with the GPU.
    Contender fixed = Contenders.chase(new ChaseSettings(0.5, Optional.of(Power.ofWatts(300)), CarbonIntensity.gramsPerKwh(750)));
    assertThat(Math.abs(other.measure(fixed, false).carbonChangePercent() - one.measure(fixed, false).carbonChangePercent()))
        .isGreaterThan(0.5);
  }
}
