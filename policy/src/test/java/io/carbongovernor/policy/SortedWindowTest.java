package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortedWindowTest {

  private static double[] sorted(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s;
  }

  @Test
  void slidingGrowingAndRevisedWindowsStaySortedAsByAFullSort() {
    Random random = new Random(3);
    double[] series = new double[400];
    for (int i = 0; i < series.length; i++) {
      series[i] = random.nextInt(50) * 10; // many equal values, as real intensities have
    }
    SortedWindow window = SortedWindow.of(new double[0]);
    for (int end = 1; end <= series.length; end++) {
      double[] next = Arrays.copyOfRange(series, Math.max(0, end - 100), end);
      if (end % 37 == 0) {
        next[next.length - 1] += 1; // the newest slot revised: not a slide
      }
      window = window.advancedTo(next);
      assertThat(window.inOrder()).containsExactly(next);
      assertThat(window.sorted()).containsExactly(sorted(next));
    }
  }

  @Test
  void theArraysHandedOutAreNeverWrittenAgain() {
    double[] first = {5, 1, 3};
    SortedWindow a = SortedWindow.of(first);
    double[] handedOut = a.sorted();
    SortedWindow b = a.advancedTo(new double[] {1, 3, 0});
    assertThat(handedOut).containsExactly(1, 3, 5);
    assertThat(b.sorted()).containsExactly(0, 1, 3);
    first[0] = 99;
    assertThat(a.inOrder()).containsExactly(5, 1, 3);
  }

  @Test
  void replacingOneValueKeepsTheOrderWhereverEitherLies() {
    Random random = new Random(8);
    for (int trial = 0; trial < 2000; trial++) {
      double[] values = new double[1 + random.nextInt(12)];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextInt(6);
      }
      Arrays.sort(values);
      double out = values[random.nextInt(values.length)];
      double in = random.nextInt(8) - 1;
      double[] expected = Arrays.copyOf(values, values.length);
      expected[Arrays.binarySearch(expected, out)] = in;
      Arrays.sort(expected);
      assertThat(SortedWindow.replaced(values, out, in)).as("%s: %s for %s", Arrays.toString(values), in, out)
          .containsExactly(expected);
    }
  }
}
