package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CarbonSignalTest {

  private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

  private static CarbonSignal hour(int h) {
    Instant start = T0.plusSeconds(3600L * h);
    return new CarbonSignal("Z", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(100 + h),
        SignalKind.AVERAGE, "test", false);
  }

  @Test
  void startingFromCutsAtTheFirstSlotThatStartsAtOrAfterTheInstant() {
    List<CarbonSignal> slots = new ArrayList<>();
    for (int h : new int[] {0, 1, 2, 5, 6}) { // hours 3 and 4 missing
      slots.add(hour(h));
    }
    assertThat(CarbonSignal.startingFrom(slots, T0.plusSeconds(3600))).containsExactly(hour(1), hour(2), hour(5), hour(6));
    assertThat(CarbonSignal.startingFrom(slots, T0.plusSeconds(2 * 3600 + 1))).containsExactly(hour(5), hour(6));
    assertThat(CarbonSignal.startingFrom(slots, T0.minusSeconds(1))).isEqualTo(slots);
    assertThat(CarbonSignal.startingFrom(slots, T0.plusSeconds(7 * 3600))).isEmpty();
    assertThat(CarbonSignal.startingFrom(List.of(), T0)).isEmpty();
  }
}
