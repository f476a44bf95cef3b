package io.carbongovernor.policy.sim;

import io.carbongovernor.policy.LimitOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The least-carbon schedule with perfect knowledge: one limit per slot, the job running from the
 * first slot until its work is done (it stops inside the slot where that happens), finishing
 * within the slots given (the last one ends at the deadline).
 *
 * <p>Exact over the options' limits, by dynamic programming over slots on the Pareto frontier of
 * (work done, carbon so far): of two partial schedules at the same slot, one that has done at
 * least as much work for no more carbon is never worse, because the same continuation finishes
 * it no later and emits no more. Work within {@link #TOLERANCE} of each other counts as equal,
 * which keeps reorderings of the same limits (equal work up to rounding) from piling up.
 */
final class Oracle {

  /** Relative tolerance on work: far below anything measurable. */
  static final double TOLERANCE = 1e-9;

  private Oracle() {}

  /** A schedule: the option of each slot up to the one in which the job finished. */
  record Schedule(int[] options, double seconds, double grams, double joules) {}

  /**
   * @param seconds each slot's length; their sum is the time to the deadline
   * @param intensity each slot's intensity, gCO2eq/kWh
   * @param epochs the work to do
   * @return the best schedule, or empty when even full speed misses the deadline
   */
  static Optional<Schedule> solve(double[] seconds, double[] intensity, LimitOptions options, double epochs) {
    return solve(seconds, intensity, options, epochs, 0);
  }

  /**
   * The schedule of least carbon plus priced time: grams + {@code gramsPerSecond} x seconds to the
   * finish. With a price of zero, the least-carbon schedule. Minimised over every price, it gives
   * the lower bound on the carbon of jobs whose total time is fixed (see {@link Experiment#teamBound}).
   * The same frontier stays exact: a state with more work for no more carbon finishes no later.
   *
   * @param gramsPerSecond the price of a second of the job's time, grams CO2e
   */
  static Optional<Schedule> solve(double[] seconds, double[] intensity, LimitOptions options, double epochs,
      double gramsPerSecond) {
    int n = seconds.length;
    int m = options.size();
    double[] rate = new double[m];
    double[] watts = new double[m];
    double maxRate = 0;
    for (int l = 0; l < m; l++) {
      rate[l] = options.epochsPerSecond(l);
      watts[l] = options.watts(l);
      maxRate = Math.max(maxRate, rate[l]);
    }
    double[] after = new double[n + 1];
    for (int k = n - 1; k >= 0; k--) {
      after[k] = after[k + 1] + seconds[k];
    }
    double slack = TOLERANCE * epochs;
    // Bounds that prune without losing the optimum: a constant limit gives a first schedule to
    // beat, and no schedule can do the work left for less than the least energy per epoch at the
    // cleanest slot left.
    double leastJoulesPerEpoch = Double.POSITIVE_INFINITY;
    for (int l = 0; l < m; l++) {
      leastJoulesPerEpoch = Math.min(leastJoulesPerEpoch, watts[l] / rate[l]);
    }
    double[] cleanestAfter = new double[n + 1];
    cleanestAfter[n] = Double.POSITIVE_INFINITY;
    for (int k = n - 1; k >= 0; k--) {
      cleanestAfter[k] = Math.min(cleanestAfter[k + 1], intensity[k]);
    }
    double bound = Double.POSITIVE_INFINITY;
    for (int l = 0; l < m; l++) {
      bound = Math.min(bound, constant(seconds, intensity, rate[l], watts[l], epochs, slack, gramsPerSecond));
    }

    double[] w = {0};
    double[] c = {0};
    double[] e = {0};
    List<int[]> parents = new ArrayList<>();
    List<int[]> chosen = new ArrayList<>();

    double best = Double.POSITIVE_INFINITY; // grams plus priced time
    double bestGrams = 0;
    int bestSlot = -1;
    int bestState = -1;
    int bestOption = -1;
    double bestSeconds = 0;
    double bestJoules = 0;
    double elapsed = 0;

    // States stay sorted by decreasing work; every option shifts them all alike, so the
    // candidates of one option keep that order and the layers merge without sorting.
    int[] head = new int[m];
    for (int k = 0; k < n && w.length > 0; k++) {
      int states = w.length;
      double[] nw = new double[states * m];
      double[] nc = new double[states * m];
      double[] ne = new double[states * m];
      int[] from = new int[states * m];
      int[] opt = new int[states * m];
      int count = 0;
      java.util.Arrays.fill(head, 0);
      double lowest = Double.POSITIVE_INFINITY;
      double groupWork = Double.POSITIVE_INFINITY;
      while (true) {
        int pick = -1;
        double pickWork = Double.NEGATIVE_INFINITY;
        double pickGrams = 0;
        for (int l = 0; l < m; l++) {
          while (head[l] < states) {
            int s = head[l];
            double work = w[s] + seconds[k] * rate[l];
            if (work >= epochs - slack) {
              double secs = Math.min(seconds[k], Math.max(0, (epochs - w[s]) / rate[l]));
              double joules = watts[l] * secs;
              double grams = c[s] + intensity[k] * joules / 3.6e6;
              double cost = grams + gramsPerSecond * (elapsed + secs);
              if (cost < best) {
                best = cost;
                bestGrams = grams;
                bestSlot = k;
                bestState = s;
                bestOption = l;
                bestSeconds = elapsed + secs;
                bestJoules = e[s] + joules;
              }
              head[l]++;
              continue;
            }
            break;
          }
          if (head[l] >= states) {
            continue;
          }
          int s = head[l];
          double work = w[s] + seconds[k] * rate[l];
          double grams = c[s] + intensity[k] * watts[l] * seconds[k] / 3.6e6;
          if (work > pickWork || (work == pickWork && grams < pickGrams)) {
            pick = l;
            pickWork = work;
            pickGrams = grams;
          }
        }
        if (pick < 0) {
          break;
        }
        int s = head[pick]++;
        if (pickWork + maxRate * after[k + 1] < epochs - slack) {
          continue; // cannot finish by the deadline any more
        }
        // Unfinished after this slot: its time to come is at least the slot's end.
        double timeCost = gramsPerSecond * (elapsed + seconds[k]);
        if (pickGrams + timeCost >= best || pickGrams >= lowest) {
          continue; // a state with more work costs no more
        }
        double floor = (epochs - pickWork) * leastJoulesPerEpoch / 3.6e6 * cleanestAfter[k + 1];
        if (pickGrams + timeCost + floor > Math.min(best, bound) * (1 + TOLERANCE)) {
          continue; // cannot beat a schedule already known
        }
        if (count > 0 && groupWork - pickWork <= slack) {
          count--; // within the tolerance of the last kept: the cheaper stands for both
        } else {
          groupWork = pickWork;
        }
        nw[count] = pickWork;
        nc[count] = pickGrams;
        ne[count] = e[s] + watts[pick] * seconds[k];
        from[count] = s;
        opt[count] = pick;
        count++;
        lowest = pickGrams;
      }
      w = java.util.Arrays.copyOf(nw, count);
      c = java.util.Arrays.copyOf(nc, count);
      e = java.util.Arrays.copyOf(ne, count);
      parents.add(java.util.Arrays.copyOf(from, count));
      chosen.add(java.util.Arrays.copyOf(opt, count));
      elapsed += seconds[k];
    }
    if (bestSlot < 0) {
      return Optional.empty();
    }
    int[] schedule = new int[bestSlot + 1];
    schedule[bestSlot] = bestOption;
    int state = bestState;
    for (int k = bestSlot - 1; k >= 0; k--) {
      schedule[k] = chosen.get(k)[state];
      state = parents.get(k)[state];
    }
    return Optional.of(new Schedule(schedule, bestSeconds, bestGrams, bestJoules));
  }

  /**
   * Grams plus priced time of running at one option throughout, or infinity when that misses the
   * deadline.
   */
  private static double constant(double[] seconds, double[] intensity, double rate, double watts, double epochs,
      double slack, double gramsPerSecond) {
    double elapsed = 0;
    double done = 0;
    double grams = 0;
    for (int k = 0; k < seconds.length; k++) {
      double secs = seconds[k];
      if (done + secs * rate >= epochs - slack) {
        secs = Math.min(secs, Math.max(0, (epochs - done) / rate));
        return grams + intensity[k] * watts * secs / 3.6e6 + gramsPerSecond * (elapsed + secs);
      }
      elapsed += secs;
      done += secs * rate;
      grams += intensity[k] * watts * secs / 3.6e6;
    }
    return Double.POSITIVE_INFINITY;
  }
}
