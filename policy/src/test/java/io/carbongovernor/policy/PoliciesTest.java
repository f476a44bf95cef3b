package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class PoliciesTest {

  private static final Instant NOW = Instant.parse("2026-07-01T12:00:00Z");
  private static final Gpu A40 =
      new Gpu(0, "GPU-a", "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  /** An operator already runs this one below its maximum: policies must not raise it. */
  private static final GpuState LOWERED = new GpuState(A40, Power.ofWatts(250), Power.ofWatts(250));
  private static final GpuState AT_MAX = new GpuState(A40, Power.ofWatts(300), Power.ofWatts(300));

  private static final Policy BANDS =
      Policies.bands(
          List.of(
              band(150, PowerCap.fractionOfMax(1.0), 512),
              band(250, PowerCap.fractionOfMax(0.8), 256),
              new Band(Optional.empty(), PowerCap.watts(Power.ofWatts(150)), OptionalInt.empty())));

  private static Band band(double below, PowerCap cap, int batch) {
    return new Band(Optional.of(CarbonIntensity.gramsPerKwh(below)), cap, OptionalInt.of(batch));
  }

  private static PolicyInput input(Double intensity, GpuState... gpus) {
    Optional<CarbonSignal> signal =
        Optional.ofNullable(intensity)
            .map(
                v ->
                    new CarbonSignal(
                        "US-CAL-CISO", NOW, NOW.plusSeconds(3600), CarbonIntensity.gramsPerKwh(v),
                        SignalKind.AVERAGE, "trace", false));
    return new PolicyInput(NOW, signal, List.of(), List.of(gpus));
  }

  @Test
  void bandsPickTheFirstBandWhoseBoundIsAboveTheIntensity() {
    assertThat(BANDS.decide(input(149.9, AT_MAX)).limits().get(0).target()).isEqualTo(Power.ofWatts(300));
    assertThat(BANDS.decide(input(150.0, AT_MAX)).limits().get(0).target()).isEqualTo(Power.ofWatts(240));
    assertThat(BANDS.decide(input(249.0, AT_MAX)).batchSize()).hasValue(256);
    Decision dirty = BANDS.decide(input(900.0, AT_MAX));
    assertThat(dirty.limits().get(0).target()).isEqualTo(Power.ofWatts(150));
    assertThat(dirty.limits().get(0).reason()).contains("900").contains("open -> 150 W");
    assertThat(dirty.batchSize()).isEmpty();
  }

  @Test
  void capsNeverRaiseAGpuAboveItsOriginalLimit() {
    assertThat(BANDS.decide(input(100.0, LOWERED)).limits().get(0).target()).isEqualTo(Power.ofWatts(250));
    assertThat(Policies.staticCap(PowerCap.watts(Power.ofWatts(280))).decide(input(null, LOWERED)).limits().get(0).target())
        .isEqualTo(Power.ofWatts(250));
  }

  @Test
  void capsAreClampedIntoTheConstraints() {
    Policy tooLow = Policies.staticCap(PowerCap.watts(Power.ofWatts(40)));
    assertThat(tooLow.decide(input(null, AT_MAX)).limits().get(0).target()).isEqualTo(Power.ofWatts(100));
    Policy fraction = Policies.staticCap(PowerCap.fractionOfMax(0.1));
    assertThat(fraction.decide(input(null, AT_MAX)).limits().get(0).target()).isEqualTo(Power.ofWatts(100));
  }

  @Test
  void withoutASignalBandsFallBackToFullSpeed() {
    Decision d = BANDS.decide(input(null, AT_MAX, LOWERED));
    assertThat(d.limits()).extracting(LimitDecision::target).containsExactly(Power.ofWatts(300), Power.ofWatts(250));
    assertThat(d.limits().get(0).reason()).startsWith("full-speed");
  }

  @Test
  void fullSpeedReturnsEveryGpuToItsOriginalLimit() {
    GpuState throttled = new GpuState(A40, Power.ofWatts(300), Power.ofWatts(180));
    assertThat(Policies.fullSpeed().decide(input(500.0, throttled)).limits().get(0).target())
        .isEqualTo(Power.ofWatts(300));
  }

  @Test
  void malformedBandTablesAreRefused() {
    Band open = new Band(Optional.empty(), PowerCap.fractionOfMax(0.5), OptionalInt.empty());
    assertThatThrownBy(() -> Policies.bands(List.of())).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Policies.bands(List.of(band(100, PowerCap.fractionOfMax(1), 1))))
        .hasMessageContaining("last band must be open");
    assertThatThrownBy(() -> Policies.bands(List.of(open, open))).hasMessageContaining("only the last");
    assertThatThrownBy(
            () -> Policies.bands(List.of(band(200, PowerCap.fractionOfMax(1), 1), band(100, PowerCap.fractionOfMax(1), 1), open)))
        .hasMessageContaining("must increase");
  }

  @Test
  void capsRejectImpossibleValues() {
    assertThatThrownBy(() -> PowerCap.fractionOfMax(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PowerCap.fractionOfMax(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PowerCap.watts(Power.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
