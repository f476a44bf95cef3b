package io.carbongovernor.policy;

import java.util.Arrays;

/**
 * A multiset of doubles kept in one array in increasing order ({@link Arrays#sort(double[])}'s
 * order), changed in place: an insertion or removal moves the values after it by one, a
 * replacement only those between the two places. Not thread-safe.
 */
final class SortedValues {

  private double[] values = new double[16];
  private int size;

  /** The values in increasing order: the first {@link #size()} of this array, valid until the next change. */
  double[] array() {
    return values;
  }

  int size() {
    return size;
  }

  /** Holds exactly {@code unsorted}'s first {@code count} values from now on. */
  void reset(double[] unsorted, int count) {
    ensure(count);
    System.arraycopy(unsorted, 0, values, 0, count);
    Arrays.sort(values, 0, count);
    size = count;
  }

  void clear() {
    size = 0;
  }

  void add(double value) {
    ensure(size + 1);
    int i = insertionPoint(value);
    System.arraycopy(values, i, values, i + 1, size - i);
    values[i] = value;
    size++;
  }

  /** Removes one occurrence of {@code value}; false, changing nothing, when there is none. */
  boolean remove(double value) {
    int i = Arrays.binarySearch(values, 0, size, value);
    if (i < 0) {
      return false;
    }
    System.arraycopy(values, i + 1, values, i, size - i - 1);
    size--;
    return true;
  }

  /**
   * One occurrence of {@code out} replaced by {@code in}, in {@code in}'s place; false, changing
   * nothing, when there is no {@code out}.
   */
  boolean replace(double out, double in) {
    int i = Arrays.binarySearch(values, 0, size, out);
    if (i < 0) {
      return false;
    }
    int j = insertionPoint(in);
    if (j <= i) {
      // in goes at j; values [j, i) move up one over out.
      System.arraycopy(values, j, values, j + 1, i - j);
      values[j] = in;
    } else {
      // values (i, j) move down one over out; in goes at j - 1.
      System.arraycopy(values, i + 1, values, i, j - i - 1);
      values[j - 1] = in;
    }
    return true;
  }

  /** Where {@code value} goes: the index of an equal value, or of the first greater one. */
  private int insertionPoint(double value) {
    int i = Arrays.binarySearch(values, 0, size, value);
    return i >= 0 ? i : -i - 1;
  }

  private void ensure(int capacity) {
    if (capacity > values.length) {
      values = Arrays.copyOf(values, Math.max(capacity, values.length * 2));
    }
  }
}
