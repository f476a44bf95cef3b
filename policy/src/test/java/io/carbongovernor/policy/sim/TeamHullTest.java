package io.carbongovernor.policy.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TeamHullTest {

  @Test
  void oneJobsHullSkipsWhatIsAboveTheChordAndWhatSavesNothing() {
    // Kept: (1 h, 10 g), (2 h, 4 g), (4 h, 1 g). Dropped: (3 h, 3.5 g), above the chord from
    // (2, 4) to (4, 1), which is at 2.5 there; (5 h, 1 g), which saves nothing; (1 h, 12 g),
    // beaten at 1 h.
    double[] hours = {3, 1, 5, 2, 4, 1};
    double[] grams = {3.5, 10, 1, 4, 1, 12};
    assertThat(TeamHull.lowerHull(hours, grams)).containsExactly(1, 3, 4);
  }

  @Test
  void jobsTakeTheirStepsSteepestSavingFirst() {
    // Job 0 saves 6 g for its first hour and 3 for the next; job 1 saves 5 g in one hour.
    double[][] hours = {{1, 2, 3}, {1, 2}};
    double[][] grams = {{10, 4, 1}, {8, 3}};
    List<int[]> v = TeamHull.vertices(hours, grams);
    assertThat(v).extracting(a -> a[0] + "," + a[1]).containsExactly("0,0", "1,0", "1,1", "2,1");
  }

  @Test
  void noChoiceOfCandidatesLiesBelowTheHull() {
    Random random = new Random(5);
    for (int trial = 0; trial < 50; trial++) {
      int jobs = 1 + random.nextInt(4);
      int k = 1 + random.nextInt(4);
      double[][] hours = new double[jobs][k];
      double[][] grams = new double[jobs][k];
      for (int j = 0; j < jobs; j++) {
        for (int c = 0; c < k; c++) {
          hours[j][c] = 1 + random.nextInt(5);
          grams[j][c] = 1 + random.nextInt(20);
        }
      }
      List<int[]> vertices = TeamHull.vertices(hours, grams);
      double[] vt = new double[vertices.size()];
      double[] vg = new double[vertices.size()];
      for (int i = 0; i < vertices.size(); i++) {
        for (int j = 0; j < jobs; j++) {
          vt[i] += hours[j][vertices.get(i)[j]];
          vg[i] += grams[j][vertices.get(i)[j]];
        }
      }
      // Every combination of candidates, by brute force.
      int combos = (int) Math.pow(k, jobs);
      double leastAtFastest = Double.POSITIVE_INFINITY;
      double fastest = Double.POSITIVE_INFINITY;
      for (int m = 0; m < combos; m++) {
        double t = 0;
        double g = 0;
        for (int j = 0, rest = m; j < jobs; j++, rest /= k) {
          t += hours[j][rest % k];
          g += grams[j][rest % k];
        }
        assertThat(hullAt(vt, vg, t)).as("trial %d combination %d", trial, m).isLessThanOrEqualTo(g + 1e-9);
        if (t < fastest - 1e-12 || (Math.abs(t - fastest) < 1e-12 && g < leastAtFastest)) {
          fastest = t;
          leastAtFastest = g;
        }
      }
      assertThat(vt[0]).isEqualTo(fastest);
      assertThat(vg[0]).isEqualTo(leastAtFastest);
      for (int i = 1; i < vt.length; i++) {
        assertThat(vt[i]).isGreaterThan(vt[i - 1]);
        assertThat(vg[i]).isLessThan(vg[i - 1]);
        if (i > 1) {
          double before = (vg[i - 2] - vg[i - 1]) / (vt[i - 1] - vt[i - 2]);
          double after = (vg[i - 1] - vg[i]) / (vt[i] - vt[i - 1]);
          assertThat(after).as("convex").isLessThanOrEqualTo(before + 1e-9);
        }
      }
    }
  }

  /** The hull's carbon at total time t: linear between vertices, flat after the last. */
  private static double hullAt(double[] vt, double[] vg, double t) {
    if (t < vt[0] - 1e-12) {
      return Double.NEGATIVE_INFINITY; // faster than any combination can be: nothing to compare
    }
    for (int i = 1; i < vt.length; i++) {
      if (t <= vt[i]) {
        return vg[i - 1] + (t - vt[i - 1]) / (vt[i] - vt[i - 1]) * (vg[i] - vg[i - 1]);
      }
    }
    return vg[vg.length - 1];
  }
}
