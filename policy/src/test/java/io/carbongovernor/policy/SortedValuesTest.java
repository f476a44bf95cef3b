package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SortedValuesTest {

  private static double[] contents(SortedValues values) {
    return Arrays.copyOf(values.array(), values.size());
  }

  private static double[] sorted(List<Double> values) {
    double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(s);
    return s;
  }

  @Test
  void insertionsRemovalsAndReplacementsKeepTheOrderOfAFullSort() {
    Random random = new Random(8);
    SortedValues values = new SortedValues();
    List<Double> expected = new ArrayList<>();
    for (int step = 0; step < 5_000; step++) {
      double value = random.nextInt(40) * 0.5; // many equal values, as real intensities have
      int op = random.nextInt(4);
      if (op == 0 || expected.isEmpty()) {
        values.add(value);
        expected.add(value);
      } else if (op == 1) {
        double out = expected.remove(random.nextInt(expected.size()));
        assertThat(values.remove(out)).isTrue();
      } else {
        int i = random.nextInt(expected.size());
        double out = expected.get(i);
        assertThat(values.replace(out, value)).isTrue();
        expected.set(i, value);
      }
      assertThat(contents(values)).as("step %d", step).isEqualTo(sorted(expected));
    }
  }

  @Test
  void aValueNotHeldIsNeitherRemovedNorReplaced() {
    SortedValues values = new SortedValues();
    values.reset(new double[] {3, 1, 2, 99}, 3);
    assertThat(contents(values)).containsExactly(1, 2, 3);
    assertThat(values.remove(5)).isFalse();
    assertThat(values.replace(5, 0)).isFalse();
    assertThat(contents(values)).containsExactly(1, 2, 3);
    values.clear();
    assertThat(values.size()).isZero();
    assertThat(values.remove(1)).isFalse();
  }
}
