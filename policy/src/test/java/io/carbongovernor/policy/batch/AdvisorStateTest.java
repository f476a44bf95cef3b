package io.carbongovernor.policy.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorStateTest {

  private static final JobKey JOB = new JobKey("nlp", "bert-finetune");
  private static final CarbonIntensity I = CarbonIntensity.gramsPerKwh(200);

  @Test
  void withOutcomeLeavesTheOriginalUntouched() {
    AdvisorState empty = AdvisorState.empty();
    RunOutcome run = SyntheticWorld.outcome(32, 1.5, 3600, I, true, 3);
    AdvisorState one = empty.withOutcome(JOB, run);
    assertThat(empty.outcomes(JOB)).isEmpty();
    assertThat(empty.jobs()).isEmpty();
    assertThat(one.outcomes(JOB)).containsExactly(run);
    assertThat(one.withOutcome(JOB, run).outcomes(JOB)).hasSize(2);
    assertThat(one.outcomes(JOB)).hasSize(1);
  }

  @Test
  void aStoredStateLoadsBackEqual() {
    RunOutcome a = SyntheticWorld.outcome(32, 1.5, 3600, I, true, 3);
    RunOutcome b = SyntheticWorld.outcome(64, 2.5, 1800, I, false, 2);
    AdvisorState built = AdvisorState.empty().withOutcome(JOB, a).withOutcome(JOB, b);
    AdvisorState loaded = AdvisorState.of(Map.of(JOB, List.of(a, b), new JobKey("nlp", "never-ran"), List.of()));
    assertThat(loaded).isEqualTo(built).hasSameHashCodeAs(built);
    assertThat(loaded.jobs()).containsExactly(JOB);
    assertThat(loaded.asMap()).containsEntry(JOB, List.of(a, b));
    assertThat(AdvisorState.of(Map.of(JOB, List.of(b, a)))).as("order matters").isNotEqualTo(built);
  }

  @Test
  void outcomeCostsAreCarbonWeighted() {
    // 2 kWh at 250 g/kWh = 500 g, plus 1 h at 0.05 g/s = 180 g.
    RunOutcome run = new RunOutcome(64, Energy.ofJoules(2 * 3.6e6), Duration.ofHours(1), Emissions.ofGrams(500), true, 4);
    TimeWeight weight = TimeWeight.gramsPerSecond(0.05);
    assertThat(run.costGrams(weight)).isCloseTo(680, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(run.costGrams(TimeWeight.ZERO)).isCloseTo(500, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(run.meanIntensity()).contains(CarbonIntensity.gramsPerKwh(250));
    assertThat(run.costGramsAt(CarbonIntensity.gramsPerKwh(100), weight)).isCloseTo(380, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void impossibleOutcomesAreRefused() {
    assertThatThrownBy(() -> new RunOutcome(0, Energy.ZERO, Duration.ZERO, Emissions.ZERO, true, 1))
        .hasMessageContaining("batch size must be positive");
    assertThatThrownBy(() -> new RunOutcome(32, Energy.ZERO, Duration.ofSeconds(-1), Emissions.ZERO, true, 1))
        .hasMessageContaining("duration cannot be negative");
    assertThatThrownBy(() -> new RunOutcome(32, Energy.ZERO, Duration.ZERO, Emissions.ofGrams(3), true, 1))
        .hasMessageContaining("no energy");
    assertThatThrownBy(() -> new RunOutcome(32, Energy.ZERO, Duration.ZERO, Emissions.ZERO, true, -1))
        .hasMessageContaining("epochs");
    assertThatThrownBy(() -> Emissions.ofGrams(-1)).hasMessageContaining(">= 0 g");
  }
}
