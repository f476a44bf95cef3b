package io.carbongovernor.policy.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class JobSpecTest {

  private static final JobKey KEY = new JobKey("vision", "resnet50-nightly");

  @Test
  void defaultIsTheJobsOwnWhenGiven() {
    JobSpec job = JobSpec.of(KEY, List.of(512, 128, 256), OptionalInt.of(512), TimeWeight.ZERO);
    assertThat(job.allowedSizes()).containsExactly(128, 256, 512);
    assertThat(job.defaultSize()).isEqualTo(512);
  }

  @Test
  void defaultIsTheMiddleSizeOtherwise() {
    assertThat(JobSpec.of(KEY, List.of(64, 128, 256), OptionalInt.empty(), TimeWeight.ZERO).defaultSize()).isEqualTo(128);
    assertThat(JobSpec.of(KEY, List.of(64, 128, 256, 512), OptionalInt.empty(), TimeWeight.ZERO).defaultSize())
        .as("lower of the two middle sizes")
        .isEqualTo(128);
    assertThat(JobSpec.of(KEY, List.of(32), OptionalInt.empty(), TimeWeight.ZERO).defaultSize()).isEqualTo(32);
  }

  @Test
  void emptyAllowedSizesAreRefused() {
    assertThatThrownBy(() -> JobSpec.of(KEY, List.of(), OptionalInt.empty(), TimeWeight.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vision/resnet50-nightly has no allowed batch sizes");
  }

  @Test
  void defaultOutsideTheAllowedSizesIsRefused() {
    assertThatThrownBy(() -> JobSpec.of(KEY, List.of(64, 128), OptionalInt.of(100), TimeWeight.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("default batch size 100")
        .hasMessageContaining("[64, 128]");
  }

  @Test
  void repeatedOrNonPositiveSizesAreRefused() {
    assertThatThrownBy(() -> JobSpec.of(KEY, List.of(64, 64), OptionalInt.empty(), TimeWeight.ZERO))
        .hasMessageContaining("batch size 64 is listed twice");
    assertThatThrownBy(() -> JobSpec.of(KEY, List.of(0, 64), OptionalInt.empty(), TimeWeight.ZERO))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> JobSpec.of(KEY, Arrays.asList(64, null), OptionalInt.empty(), TimeWeight.ZERO))
        .hasMessageContaining("must be positive");
  }

  @Test
  void blankNamesAndNegativeWeightsAreRefused() {
    assertThatThrownBy(() -> new JobKey(" ", "job")).hasMessageContaining("must not be blank");
    assertThatThrownBy(() -> TimeWeight.gramsPerSecond(-1)).hasMessageContaining(">= 0 g/s");
    assertThatThrownBy(() -> TimeWeight.gramsPerSecond(Double.NaN)).hasMessageContaining("finite");
  }

  @Test
  void zeusEquivalentWeightPricesTimeAsMaxPowerEmissions() {
    // eta 0.5: one second costs what the GPU at 300 W emits in a second at 360 g/kWh = 0.03 g.
    assertThat(TimeWeight.zeusEquivalent(0.5, 300, 360).gramsPerSecond()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(TimeWeight.zeusEquivalent(1.0, 300, 360)).isEqualTo(TimeWeight.ZERO);
    assertThatThrownBy(() -> TimeWeight.zeusEquivalent(0, 300, 360)).hasMessageContaining("eta");
  }

  @Test
  void settingsAreChecked() {
    assertThatThrownBy(() -> new AdvisorSettings(1.0, 2, 0, 2, 1)).hasMessageContaining("beta");
    assertThatThrownBy(() -> new AdvisorSettings(2.0, 0, 0, 2, 1)).hasMessageContaining("pruning rounds");
    assertThatThrownBy(() -> new AdvisorSettings(2.0, 2, -1, 2, 1)).hasMessageContaining("window");
    assertThatThrownBy(() -> new AdvisorSettings(2.0, 2, 0, 0, 1)).hasMessageContaining("explorations");
    assertThat(AdvisorSettings.ZEUS.withSeed(7).seed()).isEqualTo(7);
  }
}
