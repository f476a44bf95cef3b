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
 *
 * <p>The price is found by bisection, each step counting the slots of each run by binary search
 * in the sorted window. A count at a price lies between the counts at any lower and any higher
 * price, so each step searches only between the counts at the bisection's two ends: after a few
 * steps a count is one comparison, where a search of the whole window took its logarithm. The
 * counts, and so every step and the price, are the same as by searching the whole window.
 */
final class TimePrice {

  private static final int BISECTIONS = 60;
  private static final double[] EMPTY = {};

  private final LimitOptions options;
  /** Options along the envelope, fastest first. */
  private final int[] runs;
  /** {@code breaks[j]}: the x from which {@code runs[j + 1]} takes over from {@code runs[j]}. */
  private final double[] breaks;
  /** {@code stretch[j]}: the time a slot takes at {@code runs[j]} over the time at full speed. */
  private final double[] stretch;
  /** The slowdown at price 0: every slot at the most frugal option. */
  private final double frugal;

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
    double full = options.epochsPerSecond(options.fullSpeed());
    this.stretch = new double[runs.length];
    for (int j = 0; j < runs.length; j++) {
      stretch[j] = full / options.epochsPerSecond(runs[j]);
    }
    this.frugal = full / options.epochsPerSecond(runs[runs.length - 1]) - 1;
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
    return calibrate(sorted, sorted.length, EMPTY, budget);
  }

  /** {@link #calibrate(double[], double)} over the slots of two windows, each sorted, as one. */
  double calibrate(double[] sorted, double[] more, double budget) {
    return calibrate(sorted, sorted.length, more, budget);
  }

  /**
   * {@link #calibrate(double[], double[], double)} over the first {@code size} values of {@code
   * sorted} and all of {@code more}.
   */
  double calibrate(double[] sorted, int size, double[] more, double budget) {
    Counts counts = new Counts(sorted, size, more);
    if (counts.slowdownAt(0) <= budget) {
      return 0;
    }
    double hi = 1e-6;
    while (counts.slowdownAt(hi) > budget && hi < 1e12) {
      counts.priceIsLow(); // every later price is higher
      hi *= 2;
    }
    counts.priceIsHigh();
    counts.lowFromZero();
    double lo = 0;
    for (int i = 0; i < BISECTIONS; i++) {
      double mid = 0.5 * (lo + hi);
      if (counts.slowdownAt(mid) > budget) {
        lo = mid;
        counts.priceIsLow();
      } else {
        hi = mid;
        counts.priceIsHigh();
      }
    }
    return hi;
  }

  /** The slowdown of the rule at {@code price} over slots whose intensities are {@code sorted}. */
  double slowdown(double[] sorted, double price) {
    return new Counts(sorted, sorted.length, EMPTY).slowdownAt(price);
  }

  /**
   * The slots of each run at a price, counted in two sorted windows between bounds: for each
   * break, the counts at a lower price bound a count from below, those at a higher one from above.
   */
  private final class Counts {
    private final double[] sorted;
    private final int size;
    private final double[] more;
    /** Per break: the counts at the last price, at the highest price known low, the lowest known high. */
    private final int[] seen;
    private final int[] seenLow;
    private final int[] seenHigh;
    private final int[] ahead;
    private final int[] aheadLow;
    private final int[] aheadHigh;

    Counts(double[] sorted, int size, double[] more) {
      this.sorted = sorted;
      this.size = size;
      this.more = more;
      int b = breaks.length;
      seen = new int[b];
      seenLow = new int[b];
      seenHigh = new int[b];
      ahead = new int[b];
      aheadLow = new int[b];
      aheadHigh = new int[b];
      Arrays.fill(seenHigh, size);
      Arrays.fill(aheadHigh, more.length);
    }

    /** The slowdown at {@code price}; its counts are kept for {@link #priceIsLow}/{@link #priceIsHigh}. */
    double slowdownAt(double price) {
      int n = size + more.length;
      if (n == 0) {
        return 0;
      }
      if (price <= 0) {
        return frugal;
      }
      double time = 0;
      int from = 0;
      for (int j = 0; j < runs.length; j++) {
        // Slots with x in (breaks[j - 1], breaks[j]] run at runs[j].
        int to;
        if (j < breaks.length) {
          double value = breaks[j] * price;
          seen[j] = upperBound(sorted, seenLow[j], seenHigh[j], value);
          ahead[j] = upperBound(more, aheadLow[j], aheadHigh[j], value);
          to = seen[j] + ahead[j];
        } else {
          to = n;
        }
        time += (to - from) * stretch[j];
        from = to;
      }
      return time / n - 1;
    }

    /** The last price is below every price asked from now on. */
    void priceIsLow() {
      System.arraycopy(seen, 0, seenLow, 0, seen.length);
      System.arraycopy(ahead, 0, aheadLow, 0, ahead.length);
    }

    /** The last price is above every price asked from now on. */
    void priceIsHigh() {
      System.arraycopy(seen, 0, seenHigh, 0, seen.length);
      System.arraycopy(ahead, 0, aheadHigh, 0, ahead.length);
    }

    /** Prices from zero up may be asked from now on. */
    void lowFromZero() {
      Arrays.fill(seenLow, 0);
      Arrays.fill(aheadLow, 0);
    }
  }

  /** The number of values at most {@code value}, known to be in {@code [lo, hi]}. */
  private static int upperBound(double[] sorted, int lo, int hi, double value) {
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
