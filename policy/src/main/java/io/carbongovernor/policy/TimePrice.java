package io.carbongovernor.policy;

import java.util.Arrays;

/**
 * A price of time for one GPU's limits: at price {@code p} (grams per second of job time) a slot
 * of intensity {@code ci} runs at the limit of least {@code (power * ci + p) / rate}, the carbon
 * plus the priced time of one epoch (Chase's cost with its reference term as the price).
 * {@link #calibrate} finds the least price at which that rule, applied to every slot of a window,
 * would have slowed the window's work by no more than a budget: so a budget held on average
 * over many jobs is spent where the grid is dirtiest relative to the window, more on dirty days
 * and less on clean ones.
 *
 * <p>The choice depends only on {@code x = ci / p}: each option's cost per epoch over {@code p}
 * is the line {@code watts / rate / 3.6e6 * x + 1 / rate}, and the lower envelope of those lines
 * splits x into runs, one option each, from the fastest (small x) to the most frugal (large x).
 * Immutable.
 */
final class TimePrice {

  private static final int BISECTIONS = 60;
  private static final double[] EMPTY = {};

  private final LimitOptions options;
  /** Options along the envelope, fastest first. */
  private final int[] runs;
  /** {@code breaks[j]}: the x from which {@code runs[j + 1]} takes over from {@code runs[j]}. */
  private final double[] breaks;

  TimePrice(LimitOptions options) {
    this.options = options;
    int m = options.size();
    int current = 0;
    for (int l = 1; l < m; l++) {
      if (intercept(l) < intercept(current)
          || (intercept(l) == intercept(current) && slope(l) < slope(current))) {
        current = l;
      }
    }
    int[] r = new int[m];
    double[] b = new double[m];
    int count = 0;
    r[count] = current;
    double x = 0;
    while (true) {
      int next = -1;
      double at = Double.POSITIVE_INFINITY;
      for (int l = 0; l < m; l++) {
        if (slope(l) < slope(current)) {
          double cross = (intercept(l) - intercept(current)) / (slope(current) - slope(l));
          if (cross >= x && (cross < at || (cross == at && next >= 0 && slope(l) < slope(next)))) {
            at = cross;
            next = l;
          }
        }
      }
      if (next < 0) {
        break;
      }
      b[count] = at;
      r[++count] = next;
      current = next;
      x = at;
    }
    this.runs = Arrays.copyOf(r, count + 1);
    this.breaks = Arrays.copyOf(b, count);
  }

  private double slope(int option) {
    return options.watts(option) / options.epochsPerSecond(option) / 3.6e6;
  }

  private double intercept(int option) {
    return 1 / options.epochsPerSecond(option);
  }

  /** The option for a slot of {@code intensity} (g/kWh) at {@code price} (g/s); ties go faster. */
  int choose(double intensity, double price) {
    if (price <= 0) {
      return runs[runs.length - 1];
    }
    double x = intensity / price;
    int j = 0;
    while (j < breaks.length && x > breaks[j]) {
      j++;
    }
    return runs[j];
  }

  /**
   * The least price at which the rule slows the work of {@code sorted} (intensities in increasing
   * order, one slot each, equal lengths) by at most {@code budget} (0.05: 5 %) against full speed:
   * 0 when even the most frugal option everywhere stays within it.
   */
  double calibrate(double[] sorted, double budget) {
    return calibrate(sorted, EMPTY, budget);
  }

  /** {@link #calibrate(double[], double)} over the slots of two windows, each sorted, as one. */
  double calibrate(double[] sorted, double[] more, double budget) {
    if (slowdown(sorted, more, 0) <= budget) {
      return 0;
    }
    double hi = 1e-6;
    while (slowdown(sorted, more, hi) > budget && hi < 1e12) {
      hi *= 2;
    }
    double lo = 0;
    for (int i = 0; i < BISECTIONS; i++) {
      double mid = 0.5 * (lo + hi);
      if (slowdown(sorted, more, mid) > budget) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** The slowdown of the rule at {@code price} over slots whose intensities are {@code sorted}. */
  double slowdown(double[] sorted, double price) {
    return slowdown(sorted, EMPTY, price);
  }

  private double slowdown(double[] sorted, double[] more, double price) {
    int n = sorted.length + more.length;
    if (n == 0) {
      return 0;
    }
    double full = options.epochsPerSecond(options.fullSpeed());
    if (price <= 0) {
      return full / options.epochsPerSecond(runs[runs.length - 1]) - 1;
    }
    double time = 0;
    int from = 0;
    for (int j = 0; j < runs.length; j++) {
      // Slots with x in (breaks[j - 1], breaks[j]] run at runs[j].
      int to = j < breaks.length ? upperBound(sorted, breaks[j] * price) + upperBound(more, breaks[j] * price) : n;
      time += (to - from) * (full / options.epochsPerSecond(runs[j]));
      from = to;
    }
    return time / n - 1;
  }

  /** The number of values at most {@code value}. */
  private static int upperBound(double[] sorted, double value) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
