package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortedWindowTest {

  private static final Instant T0 = TestWorld.T0;

  private static CarbonSignal slot(Instant start, long seconds, double gramsPerKwh) {
    return new CarbonSignal("test", start, start.plusSeconds(seconds), CarbonIntensity.gramsPerKwh(gramsPerKwh),
        SignalKind.AVERAGE, "test", false);
  }

  /** What a fresh read of {@code window} gives: each slot's copies in the unit, sorted. */
  private static double[] read(List<CarbonSignal> window, long unit) {
    List<Double> values = new ArrayList<>();
    for (CarbonSignal s : window) {
      long seconds = s.end().getEpochSecond() - s.start().getEpochSecond();
      for (long c = Math.max(1, Math.round((double) seconds / unit)); c > 0; c--) {
        values.add(s.intensity().gramsPerKwh());
      }
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    return sorted;
  }

  private static long unit(List<CarbonSignal> window, long shortestElsewhere) {
    long shortest = shortestElsewhere;
    for (CarbonSignal s : window) {
      shortest = Math.min(shortest, s.end().getEpochSecond() - s.start().getEpochSecond());
    }
    return Math.max(300, shortest);
  }

  private static void assertReadAfresh(SortedWindow window, List<CarbonSignal> slots, long shortestElsewhere, String as) {
    long unit = unit(slots, shortestElsewhere);
    assertThat(window.unit()).as(as).isEqualTo(unit);
    assertThat(Arrays.copyOf(window.sorted(), window.size())).as(as).isEqualTo(read(slots, unit));
  }

  @Test
  void windowsThatSlideGrowShrinkJumpAndAreRevisedReadAsIfReadAfresh() {
    Random random = new Random(3);
    // A series of mostly hourly slots, some half-hours, two-hour slots and five-minute slots.
    List<CarbonSignal> series = new ArrayList<>();
    Instant t = T0;
    for (int i = 0; i < 3000; i++) {
      int kind = random.nextInt(100);
      long seconds = kind < 90 ? 3600 : kind < 95 ? 1800 : kind < 98 ? 7200 : 300;
      series.add(slot(t, seconds, random.nextInt(50) * 10)); // many equal values
      t = t.plusSeconds(seconds);
    }
    // Windows are views of one history, as a replay hands them, or lists of their own.
    SignalHistory history = SignalHistory.of(series);
    SortedWindow window = new SortedWindow();
    int from = 0;
    int to = 0;
    for (int step = 0; step < 2000; step++) {
      int move = random.nextInt(20);
      if (move < 10) {
        from++; // a slot on
        to++;
      } else if (move < 12) {
        from = Math.max(0, from - 1 - random.nextInt(2)); // a replay's next job, a slot or two back
        to = Math.max(from, to - 1 - random.nextInt(2));
      } else if (move < 14) {
        to++; // growing
      } else if (move < 15) {
        from = random.nextInt(series.size() - 400); // a jump
        to = from + random.nextInt(400);
      } else if (move < 16 && to > from) {
        to--; // shrinking
      } else if (move < 18 && to > from) {
        int i = from + random.nextInt(to - from); // a slot revised: another object, maybe another value
        CarbonSignal old = series.get(i);
        series.set(i, slot(old.start(), old.end().getEpochSecond() - old.start().getEpochSecond(),
            random.nextBoolean() ? old.intensity().gramsPerKwh() : random.nextInt(50) * 10));
        history = SignalHistory.of(series);
      } // else: the same window again, as for a second GPU
      to = Math.min(to, series.size());
      from = Math.min(from, to);
      long shortestElsewhere = random.nextInt(10) == 0 ? 600 : 3600;
      List<CarbonSignal> slots = random.nextInt(4) == 0 ? List.copyOf(series.subList(from, to)) : history.subList(from, to);
      window.advanceTo(slots, shortestElsewhere);
      assertReadAfresh(window, slots, shortestElsewhere, "step " + step + ", slots " + from + " to " + to);
    }
  }

  @Test
  void aWindowMadeOfOtherObjectsWithTheSameValuesIsReadAgainAndAgreesWithItself() {
    List<CarbonSignal> first = new ArrayList<>();
    List<CarbonSignal> copy = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      first.add(slot(T0.plusSeconds(3600L * i), 3600, i % 7));
      copy.add(slot(T0.plusSeconds(3600L * (i + 1)), 3600, (i + 1) % 7));
    }
    SortedWindow window = new SortedWindow();
    window.advanceTo(first, 3600);
    assertReadAfresh(window, first, 3600, "first");
    window.advanceTo(copy, 3600);
    assertReadAfresh(window, copy, 3600, "a slot on, every object new");
    window.advanceTo(List.of(), 3600);
    assertThat(window.size()).isZero();
    window.advanceTo(first, 3600);
    assertReadAfresh(window, first, 3600, "after an empty window");
  }
}
