package io.carbongovernor.policy;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Chase with {@code CI_ref} the median intensity seen over a window. On {@link #PROFILE}, with
 * {@code P_ref} 300 W at eta 0.5, an epoch costs {@code (0.5 * P * CI + 150 * CI_ref) * s}: 300 W
 * {@code 150 CI + 150 CI_ref}, 200 W {@code (100 CI + 150 CI_ref) * 1.2 = 120 CI + 180 CI_ref},
 * 100 W {@code 100 CI + 300 CI_ref}. So 200 W wins once {@code CI > CI_ref} (a tie stays at 300
 * W) and 100 W only above {@code 6 CI_ref}: Chase slows exactly the hours dirtier than the
 * reference.
 */
class ChaseAdaptiveReferenceTest {

  /** 300 W: 1 s an epoch at 300 W drawn; 200 W: 1.2 s at 200 W; 100 W: 2 s at 100 W. */
  static final PowerProfile PROFILE =
      PowerProfile.of(
          "turns at the reference",
          List.of(TestWorld.point(100, 2.0, 100), TestWorld.point(200, 1.2, 200), TestWorld.point(300, 1.0, 300)));

  static final GpuState STATE = new GpuState(GPU, Power.ofWatts(300), Power.ofWatts(300)).withProfile(PROFILE);

  static final Duration MONTH = Duration.ofDays(30);

  private static final Policy PUBLISHED = Policies.chase(ChaseSettings.DEFAULTS);

  private static Policy adaptive(Duration window) {
    return Policies.chase(ChaseSettings.DEFAULTS.withAdaptiveReference(window));
  }

  /** A hydro/nuclear grid: 40 to 90 g/kWh, dirtiest at 6:00, cleanest at 18:00, median 65. */
  private static double cleanGrid(long hour) {
    return 65 + 25 * Math.sin(2 * Math.PI * hour / 24);
  }

  private static List<CarbonSignal> hourly(Instant from, int hours, java.util.function.LongToDoubleFunction value) {
    List<CarbonSignal> slots = new ArrayList<>();
    for (int h = 0; h < hours; h++) {
      slots.add(TestWorld.slot(from.plusSeconds(3600L * h), value.applyAsDouble(h)));
    }
    return slots;
  }

  private static LimitDecision decide(Policy policy, Instant now, double intensity, List<CarbonSignal> history) {
    PolicyInput input =
        new PolicyInput(now, Optional.of(TestWorld.slot(now, intensity)), List.of(), List.of(STATE), history, Optional.empty());
    return policy.decide(input).limits().get(0);
  }

  @Test
  void onACleanGridChaseAsPublishedNeverSlowsButTheAdaptiveOneSlowsTheDirtierHours() {
    Instant start = T0.minus(MONTH);
    int month = (int) MONTH.toHours();
    // A month before T0, then the day being decided, all on the same daily rhythm.
    List<CarbonSignal> all = hourly(start, month + 24, ChaseAdaptiveReferenceTest::cleanGrid);
    Policy carried = adaptive(MONTH);
    int slowed = 0;
    int kept = 0;
    for (int h = 0; h < 24; h++) {
      Instant now = T0.plusSeconds(3600L * h);
      double ci = cleanGrid(month + h);
      List<CarbonSignal> history = all.subList(h, month + h);
      LimitDecision published = decide(PUBLISHED, now, ci, history);
      assertThat(published.target()).as("published Chase at %.0f g/kWh against 750", ci).isEqualTo(Power.ofWatts(300));
      assertThat(published.reason()).as("a fixed reference reads as it did").doesNotContain("reference");
      LimitDecision d = decide(carried, now, ci, history);
      assertThat(d.reason()).contains("reference 65 g/kWh (median of the last 30d, 720 slot(s))");
      if (ci > 66) {
        assertThat(d.target()).as("%.1f g/kWh, above the month's median", ci).isEqualTo(Power.ofWatts(200));
        slowed++;
      } else if (ci < 64) {
        assertThat(d.target()).as("%.1f g/kWh, below the month's median", ci).isEqualTo(Power.ofWatts(300));
        kept++;
      }
      // The window carried from tick to tick decides as one sorted afresh.
      assertThat(decide(adaptive(MONTH), now, ci, history)).isEqualTo(d);
    }
    assertThat(slowed).isEqualTo(11);
    assertThat(kept).isEqualTo(11);
  }

  @Test
  void withLessThanADayOfHistoryTheReferenceIsChasesPublishedOne() {
    Policy policy = adaptive(MONTH);
    LimitDecision none = decide(policy, T0, 90, List.of());
    assertThat(none.target()).isEqualTo(Power.ofWatts(300));
    assertThat(none.reason())
        .contains("reference 750 g/kWh (fixed: 0h of the 30d reference window seen, its median needs 1d)");

    // 23 hours of a clean 40 g/kWh: still the fixed reference, so 90 g/kWh is not slowed for.
    LimitDecision almost = decide(policy, T0, 90, hourly(T0.minusSeconds(23 * 3600), 23, h -> 40));
    assertThat(almost.target()).isEqualTo(Power.ofWatts(300));
    assertThat(almost.reason()).contains("reference 750 g/kWh (fixed: 23h of the 30d reference window seen");

    // A whole day: the median, 40, and 90 is dirtier than that.
    LimitDecision day = decide(policy, T0, 90, hourly(T0.minusSeconds(24 * 3600), 24, h -> 40));
    assertThat(day.target()).isEqualTo(Power.ofWatts(200));
    assertThat(day.reason()).contains("reference 40 g/kWh (median of the last 30d, 24 slot(s))");
  }

  @Test
  void slotsBeforeTheWindowAreIgnored() {
    // Ten dirty days, then two clean ones; the window is the last two days.
    List<CarbonSignal> history = new ArrayList<>(hourly(T0.minus(Duration.ofDays(12)), 240, h -> 1000));
    history.addAll(hourly(T0.minus(Duration.ofDays(2)), 48, h -> 60));
    LimitDecision d = decide(adaptive(Duration.ofDays(2)), T0, 70, history);
    assertThat(d.reason()).contains("reference 60 g/kWh (median of the last 2d, 48 slot(s))");
    assertThat(d.target()).isEqualTo(Power.ofWatts(200));
    // Over twelve days the dirty ones are the median and 70 g/kWh is clean.
    LimitDecision longer = decide(adaptive(Duration.ofDays(12)), T0, 70, history);
    assertThat(longer.reason()).contains("reference 1000 g/kWh (median of the last 12d, 288 slot(s))");
    assertThat(longer.target()).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void slotsWeighByTheirLength() {
    // 30 hours at 100 g/kWh, then 40 half-hours (20 hours) at 50: by time 100 is the median, by
    // count 50 would be.
    List<CarbonSignal> history = new ArrayList<>(hourly(T0.minus(Duration.ofHours(50)), 30, h -> 100));
    Instant halves = T0.minus(Duration.ofHours(20));
    for (int i = 0; i < 40; i++) {
      Instant s = halves.plusSeconds(1800L * i);
      history.add(new CarbonSignal("test", s, s.plusSeconds(1800), CarbonIntensity.gramsPerKwh(50), SignalKind.AVERAGE, "test", false));
    }
    LimitDecision d = decide(adaptive(MONTH), T0, 90, history);
    assertThat(d.reason()).contains("reference 100 g/kWh (median of the last 30d, 70 slot(s))");
    assertThat(d.target()).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwoWeighedOrNot() {
    assertThat(AdaptiveReference.median(new double[] {1, 2, 3, 4})).isEqualTo(2.5);
    assertThat(AdaptiveReference.median(new double[] {1, 2, 9})).isEqualTo(2);
    assertThat(AdaptiveReference.median(new double[] {4, 1, 3, 2}, new long[] {5, 5, 5, 5}, 20)).isEqualTo(2.5);
    assertThat(AdaptiveReference.median(new double[] {4, 1, 3, 2}, new long[] {3600, 1800, 1800, 1800}, 9000))
        .as("4 holds 3600 of 9000 s, so the half is reached at 3").isEqualTo(3);
    assertThat(AdaptiveReference.median(new double[] {9, 1}, new long[] {1800, 3600}, 5400)).isEqualTo(1);
  }

  @Test
  void historyNeededCoversTheWindow() {
    assertThat(adaptive(MONTH).historyNeeded()).isEqualTo(MONTH);
    assertThat(adaptive(Duration.ofDays(366)).historyNeeded()).isEqualTo(Duration.ofDays(366));
    assertThat(adaptive(Duration.ofDays(1)).historyNeeded()).as("the one-step model's day").isEqualTo(Duration.ofDays(2));
    assertThat(PUBLISHED.historyNeeded()).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void theWindowIsWithinADayAndAYearAndADay() {
    assertThatThrownBy(() -> ChaseSettings.DEFAULTS.withAdaptiveReference(Duration.ofHours(23)))
        .hasMessageContaining("within 1d and 366d");
    assertThatThrownBy(() -> ChaseSettings.DEFAULTS.withAdaptiveReference(Duration.ofDays(367)))
        .hasMessageContaining("within 1d and 366d");
    assertThat(ChaseSettings.DEFAULTS.adaptive()).isFalse();
    assertThat(ChaseSettings.DEFAULTS.withAdaptiveReference(MONTH).withEta(0.3).referenceWindow()).contains(MONTH);
  }
}
