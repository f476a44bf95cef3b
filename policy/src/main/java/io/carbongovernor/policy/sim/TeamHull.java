package io.carbongovernor.policy.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The least total carbon a set of jobs reaches for each total time, when every job may take any
 * of its candidate outcomes: the lower convex hull of the sum, which is the sum of the jobs' own
 * lower convex hulls. Start with every job at its fastest candidate, then take the jobs' hull
 * steps in order of carbon saved per hour spent, steepest first.
 */
final class TeamHull {

  private TeamHull() {}

  /** One job's step from one hull vertex to the next, slower and cleaner. */
  private record Step(int job, int to, double gramsPerHour) {}

  /**
   * @param hours {@code hours[j][k]}: job j's time under its candidate k
   * @param grams the same candidates' carbon
   * @return per vertex of the summed hull, by increasing total time, the candidate each job takes
   *     (the first vertex: every job at its fastest candidate of least carbon)
   */
  static List<int[]> vertices(double[][] hours, double[][] grams) {
    int jobs = hours.length;
    int[] at = new int[jobs];
    List<Step> steps = new ArrayList<>();
    for (int j = 0; j < jobs; j++) {
      int[] hull = lowerHull(hours[j], grams[j]);
      at[j] = hull[0];
      for (int k = 1; k < hull.length; k++) {
        double dt = hours[j][hull[k]] - hours[j][hull[k - 1]];
        double dg = grams[j][hull[k - 1]] - grams[j][hull[k]];
        steps.add(new Step(j, hull[k], dg / dt));
      }
    }
    // Within a job the hull's slopes already fall, so a stable sort keeps its steps in order.
    steps.sort((a, b) -> Double.compare(b.gramsPerHour(), a.gramsPerHour()));
    List<int[]> vertices = new ArrayList<>(steps.size() + 1);
    vertices.add(at.clone());
    for (Step s : steps) {
      at[s.job()] = s.to();
      vertices.add(at.clone());
    }
    return vertices;
  }

  /**
   * The candidates on one job's lower convex hull where more time saves carbon, by increasing
   * time: from the least-carbon candidate among the fastest, to the least-carbon candidate.
   */
  static int[] lowerHull(double[] hours, double[] grams) {
    Integer[] order = new Integer[hours.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> hours[a] != hours[b] ? Double.compare(hours[a], hours[b]) : Double.compare(grams[a], grams[b]));
    int[] hull = new int[order.length];
    int n = 0;
    for (int i : order) {
      // Only candidates that save carbon over the last one kept can be on the falling hull.
      if (n > 0 && grams[i] >= grams[hull[n - 1]]) {
        continue;
      }
      while (n >= 2 && !turnsUp(hours, grams, hull[n - 2], hull[n - 1], i)) {
        n--;
      }
      hull[n++] = i;
    }
    return Arrays.copyOf(hull, n);
  }

  /** Whether a, b, c turn counter-clockwise (b lies strictly below the chord a-c). */
  private static boolean turnsUp(double[] x, double[] y, int a, int b, int c) {
    double cross = (x[b] - x[a]) * (y[c] - y[a]) - (y[b] - y[a]) * (x[c] - x[a]);
    return cross > 0;
  }
}
