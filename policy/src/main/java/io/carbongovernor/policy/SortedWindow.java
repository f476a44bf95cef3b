package io.carbongovernor.policy;

import java.util.Arrays;

/**
 * A sliding window of values kept both in arrival order and sorted, so that the window one slot
 * on is sorted by one removal and one insertion instead of a full sort. Immutable: every step
 * returns a new window and never writes to an array it handed out.
 *
 * @param inOrder the values in arrival order, oldest first
 * @param sorted the same values in increasing order
 */
record SortedWindow(double[] inOrder, double[] sorted) {

  static SortedWindow of(double[] inOrder) {
    double[] sorted = inOrder.clone();
    Arrays.sort(sorted);
    return new SortedWindow(inOrder.clone(), sorted);
  }

  /**
   * The window holding {@code next} (arrival order): from this one when {@code next} is this
   * window, this window one value on (oldest dropped, one added), or this window with one more
   * value; sorted from scratch otherwise.
   */
  SortedWindow advancedTo(double[] next) {
    int n = inOrder.length;
    if (next.length == n && Arrays.equals(inOrder, next)) {
      return this;
    }
    if (n > 0 && next.length == n && Arrays.equals(inOrder, 1, n, next, 0, n - 1)) {
      return new SortedWindow(next.clone(), replaced(sorted, inOrder[0], next[n - 1]));
    }
    if (next.length == n + 1 && Arrays.equals(inOrder, 0, n, next, 0, n)) {
      return new SortedWindow(next.clone(), with(sorted, next[n]));
    }
    return of(next);
  }

  /**
   * {@code values} (increasing) with one occurrence of {@code out}, which it holds, replaced by
   * {@code in} in its place: one copy, where removing and then inserting would take two.
   */
  static double[] replaced(double[] values, double out, double in) {
    int n = values.length;
    int i = Arrays.binarySearch(values, out);
    int j = Arrays.binarySearch(values, in);
    if (j < 0) {
      j = -j - 1;
    }
    double[] result = new double[n];
    if (j <= i) {
      // in goes at j; values [j, i) move up one; i is dropped.
      System.arraycopy(values, 0, result, 0, j);
      result[j] = in;
      System.arraycopy(values, j, result, j + 1, i - j);
      System.arraycopy(values, i + 1, result, i + 1, n - i - 1);
    } else {
      // i is dropped; values (i, j) move down one; in goes at j - 1.
      System.arraycopy(values, 0, result, 0, i);
      System.arraycopy(values, i + 1, result, i, j - i - 1);
      result[j - 1] = in;
      System.arraycopy(values, j, result, j, n - j);
    }
    return result;
  }

  /** {@code values} (increasing) with {@code value} in its place. */
  private static double[] with(double[] values, double value) {
    int i = Arrays.binarySearch(values, value);
    if (i < 0) {
      i = -i - 1;
    }
    double[] out = new double[values.length + 1];
    System.arraycopy(values, 0, out, 0, i);
    out[i] = value;
    System.arraycopy(values, i, out, i + 1, values.length - i);
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SortedWindow w && Arrays.equals(inOrder, w.inOrder);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(inOrder);
  }

  @Override
  public String toString() {
    return "SortedWindow" + Arrays.toString(inOrder);
  }
}
