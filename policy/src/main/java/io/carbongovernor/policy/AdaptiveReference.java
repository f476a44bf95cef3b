package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chase's {@code CI_ref} taken from the zone's own history: the median intensity of the slots that
 * start within a window before now, each slot weighed by its length. Until a day of the window
 * has been seen it is the fixed reference instead (see {@link #at}).
 *
 * <p>A median rather than a mean, so that a few extreme hours (a plant tripping, a data gap
 * filled with an estimate) do not move it. Weighed by length exactly (the median of the
 * slots' time, not of their count): one source's half-hours beside another's hours must not weigh
 * double.
 */
final class AdaptiveReference {

  /** The reference a decision uses, and where it came from, for the decision's reason. */
  record Reference(double gramsPerKwh, String from) {}

  private final Duration window;

  AdaptiveReference(Duration window) {
    this.window = window;
  }

  Duration window() {
    return window;
  }

  /**
   * The median of {@code history}'s slots that start at or after {@code now - window}; {@code
   * fixed} when those cover less than {@link ChaseSettings#MIN_REFERENCE_HISTORY}. Falling back
   * to the fixed reference rather than the current intensity: with {@code CI_ref = CI_next} the
   * cost no longer depends on the grid at all and Chase would hold one cap whatever the
   * intensity, slowing jobs for no carbon reason; the fixed reference is Chase as published,
   * whose behaviour is known.
   */
  Reference at(List<CarbonSignal> history, Instant now, double fixed) {
    List<CarbonSignal> seen = CarbonSignal.startingFrom(history, now.minus(window));
    int n = seen.size();
    double[] values = new double[n];
    long total = 0;
    long first = n == 0 ? 0 : seconds(seen.get(0));
    boolean even = true;
    for (int i = 0; i < n; i++) {
      CarbonSignal s = seen.get(i);
      values[i] = s.intensity().gramsPerKwh();
      long length = seconds(s);
      total += length;
      even &= length == first;
    }
    if (total < ChaseSettings.MIN_REFERENCE_HISTORY.toSeconds()) {
      return new Reference(
          fixed,
          String.format(
              Locale.ROOT,
              "fixed: %s of the %s reference window seen, its median needs %s",
              words(total),
              words(window.toSeconds()),
              words(ChaseSettings.MIN_REFERENCE_HISTORY.toSeconds())));
    }
    double median = even ? median(sorted(values)) : median(values, seconds(seen), total);
    return new Reference(
        median, String.format(Locale.ROOT, "median of the last %s, %d slot(s)", words(window.toSeconds()), n));
  }

  private static long seconds(CarbonSignal slot) {
    return Math.max(0, slot.end().getEpochSecond() - slot.start().getEpochSecond());
  }

  private static long[] seconds(List<CarbonSignal> slots) {
    long[] seconds = new long[slots.size()];
    for (int i = 0; i < seconds.length; i++) {
      seconds[i] = seconds(slots.get(i));
    }
    return seconds;
  }

  private static double[] sorted(double[] inOrder) {
    double[] sorted = inOrder.clone();
    java.util.Arrays.sort(sorted);
    return sorted;
  }

  /** The median of values in increasing order: the middle one, or the mean of the middle two. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /**
   * The median of {@code values} each weighed by its {@code seconds}: where the weight of the
   * values below reaches half of {@code total}; the mean of the two values there when it reaches
   * exactly half. With equal weights this is {@link #median(double[])}.
   */
  static double median(double[] values, long[] seconds, long total) {
    Integer[] order = new Integer[values.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    long below = 0;
    for (int k = 0; k < order.length; k++) {
      int i = order[k];
      below += seconds[i];
      if (2 * below == total && k + 1 < order.length) {
        return (values[i] + values[order[k + 1]]) / 2;
      }
      if (2 * below >= total) {
        return values[i];
      }
    }
    return values[order[order.length - 1]];
  }

  /** {@code 30d}, {@code 5h}, {@code 90m} as config files write them. */
  private static String words(long seconds) {
    if (seconds % 86_400 == 0 && seconds > 0) {
      return seconds / 86_400 + "d";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
