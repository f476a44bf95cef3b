package io.carbongovernor.policy;

/**
 * Per-slot limits that do a required amount of work over a run of slots with the least expected
 * carbon: the Lagrangian of "carbon minus lambda times work" separates by slot, each slot takes
 * the option minimising {@code intensity * power - lambda * rate}, and lambda is found by
 * bisection as the smallest that does the work.
 *
 * <p>Only options on the lower convex hull of (rate, power) can minimise that, so the search runs
 * over the hull, where choosing is a lookup of {@code lambda / intensity} among the hull's
 * marginal costs.
 */
final class BudgetPlanner {

  private static final int BISECTIONS = 50;

  private final LimitOptions options;
  /** Option indices on the hull, by increasing rate and power. */
  private final int[] hull;
  /** {@code marginal[j]}: watts per (epoch/s) from hull[j] to hull[j + 1], increasing. */
  private final double[] marginal;
  private final double[] hullRate;

  BudgetPlanner(LimitOptions options) {
    this.options = options;
    int n = options.size();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(
        order,
        (a, b) -> {
          int c = Double.compare(options.epochsPerSecond(a), options.epochsPerSecond(b));
          return c != 0 ? c : Double.compare(options.watts(a), options.watts(b));
        });
    // Start from the lowest-power option: slower options that draw more are never chosen.
    int start = 0;
    for (int k = 1; k < n; k++) {
      if (options.watts(order[k]) < options.watts(order[start])) {
        start = k;
      }
    }
    int[] h = new int[n];
    int size = 0;
    for (int k = start; k < n; k++) {
      int p = order[k];
      if (size > 0 && options.epochsPerSecond(h[size - 1]) == options.epochsPerSecond(p)) {
        continue; // same rate, more power
      }
      while (size >= 2 && !turnsUp(h[size - 2], h[size - 1], p)) {
        size--;
      }
      if (size >= 1 && options.watts(p) <= options.watts(h[size - 1])) {
        size--; // faster and no more power: dominates
        while (size >= 1 && options.watts(p) <= options.watts(h[size - 1])) {
          size--;
        }
      }
      h[size++] = p;
    }
    hull = java.util.Arrays.copyOf(h, size);
    marginal = new double[size - 1];
    hullRate = new double[size];
    for (int j = 0; j < size; j++) {
      hullRate[j] = options.epochsPerSecond(hull[j]);
    }
    for (int j = 0; j + 1 < size; j++) {
      marginal[j] =
          (options.watts(hull[j + 1]) - options.watts(hull[j])) / (hullRate[j + 1] - hullRate[j]);
    }
  }

  /** Whether b lies strictly below the segment from a to c (so b stays on the lower hull). */
  private boolean turnsUp(int a, int b, int c) {
    double ax = options.epochsPerSecond(a);
    double ay = options.watts(a);
    double bx = options.epochsPerSecond(b);
    double by = options.watts(b);
    double cx = options.epochsPerSecond(c);
    double cy = options.watts(c);
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0;
  }

  LimitOptions options() {
    return options;
  }

  /** The fastest option on the hull. */
  int fastest() {
    return hull[hull.length - 1];
  }

  /**
   * Chooses an option per slot.
   *
   * @param seconds each slot's length
   * @param intensity each slot's expected intensity, gCO2eq/kWh
   * @param slots how many of the slots to plan (a prefix)
   * @param epochs the work to do within them
   * @param chosen receives the option index of each planned slot
   */
  void plan(double[] seconds, double[] intensity, int slots, double epochs, int[] chosen) {
    double most = 0;
    for (int i = 0; i < slots; i++) {
      most += seconds[i] * hullRate[hull.length - 1];
    }
    if (epochs >= most || hull.length == 1) {
      java.util.Arrays.fill(chosen, 0, slots, fastest());
      return;
    }
    double lo = 0;
    double hi = 1;
    while (work(seconds, intensity, slots, hi) < epochs) {
      hi *= 2;
    }
    if (work(seconds, intensity, slots, lo) < epochs) {
      for (int k = 0; k < BISECTIONS; k++) {
        double mid = 0.5 * (lo + hi);
        if (work(seconds, intensity, slots, mid) >= epochs) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
    } else {
      hi = lo;
    }
    for (int i = 0; i < slots; i++) {
      chosen[i] = hull[position(intensity[i], hi)];
    }
  }

  private double work(double[] seconds, double[] intensity, int slots, double lambda) {
    double w = 0;
    for (int i = 0; i < slots; i++) {
      w += seconds[i] * hullRate[position(intensity[i], lambda)];
    }
    return w;
  }

  /** The hull position minimising {@code intensity * power - lambda * rate}; ties go faster. */
  private int position(double intensity, double lambda) {
    int j = 0;
    while (j < marginal.length && intensity * marginal[j] <= lambda) {
      j++;
    }
    return j;
  }
}
