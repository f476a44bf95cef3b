package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Chase with an adaptive reference as a simulation contender, beside Chase as published. */
class ChaseAdaptiveContenderTest {

  @Test
  void knobsNameTheReferenceWhereItIsNotChasesOwn() {
    assertThat(Contenders.chaseAdaptive(0.5).knob()).isEqualTo("eta=0.5/adaptive");
    assertThat(Contenders.chaseAdaptive(0.3, Duration.ofDays(60)).knob()).isEqualTo("eta=0.3/adaptive/60d");
    assertThat(Contenders.chaseWithReference(ChaseSettings.DEFAULTS).knob())
        .isEqualTo(Contenders.chase(ChaseSettings.DEFAULTS).knob()).isEqualTo("eta=0.5");
    assertThat(Contenders.chaseWithReference(
            new ChaseSettings(0.5, Optional.empty(), CarbonIntensity.gramsPerKwh(400))).knob())
        .isEqualTo("eta=0.5/ci-ref=400");
    List<Contender> sweep = Contenders.chaseAdaptiveSweep(ChaseSettings.DEFAULT_REFERENCE_WINDOW);
    assertThat(sweep).hasSize(Contenders.ETAS.length);
    assertThat(sweep.get(0).knob()).isEqualTo("eta=0/adaptive");
    assertThat(sweep.get(sweep.size() - 1).knob()).isEqualTo("eta=1/adaptive");
    assertThat(sweep).extracting(Contender::knobValue).containsExactly(0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0);
  }

  @Test
  void onACleanGridOnlyTheAdaptiveReferenceSavesCarbon() {
    // 40 days of a hydro/nuclear grid, 40 to 90 g/kWh on a daily rhythm; a day's work on a V100
    // every day from day 8, as the policy matrix runs them. Against 750 g/kWh Chase at eta 0.5
    // slows a V100 only above 345 g/kWh. (An A40 it slows to 250 W from about 55 g/kWh, so there
    // published Chase does act on such a grid, if only in its dirtier hours.)
    Simulator sim = Simulator.create(
        SimulatorTest.hourly(24 * 40, h -> 65 + 25 * Math.sin(2 * Math.PI * h / 24)),
        new Gpu(0, "SIM", "v100", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(250)), Power.ofWatts(250)),
        ZeusProfiles.bundled("v100").profile("imagenet/resnet50", 256));
    double epochs = Math.ceil(Duration.ofHours(24).toSeconds() / sim.fullSpeedSeconds(1));
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(40), epochs);
    assertThat(starts).hasSizeGreaterThan(25);
    Experiment ex = Experiment.of(sim, starts, epochs);

    Result published = ex.measure(Contenders.chase(ChaseSettings.DEFAULTS), false);
    assertThat(published.carbonChangePercent()).as("Chase against 750 g/kWh").isCloseTo(0, offset(1e-9));
    assertThat(published.timeChangePercent()).isCloseTo(0, offset(1e-9));

    Result adaptive = ex.measure(Contenders.chaseAdaptive(0.5), false);
    assertThat(adaptive.carbonChangePercent()).isLessThan(-5);
    assertThat(adaptive.timeChangePercent()).isPositive();
  }
}
