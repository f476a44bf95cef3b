package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A team's price window (the slots seen, oldest first) as the sorted intensities the price is
 * calibrated on, carried from one decision to the next. The next window is usually this one a slot
 * on (a slot or two back when a replay starts its next job), or the same window for another GPU
 * or tick: it is brought up to date by removing the slots that left and inserting those that came,
 * instead of reading every slot and sorting them again. Which slots those are, positions tell
 * where both windows are views of one {@link SignalHistory}; otherwise the slots are matched by
 * identity (a signal is immutable, so the same object holds the same intensity and length, and a
 * slot replaced by another object counts as one out and one in).
 *
 * <p>Slots count by their length: each stands as {@link #copies} values of its intensity, in
 * units of the {@link #unit} (the shortest length among the window and the lengths the caller
 * names, at least {@link #MIN_UNIT_SECONDS}); the same values a fresh read of the window would
 * give, in the same order. Not thread-safe: its owner holds a lock while it advances it and reads
 * its values.
 */
final class SortedWindow {

  /**
   * The shortest slot weighed on its own (WattTime's); shorter ones, such as a slot cut at the end
   * of a trace, count as this long. It bounds the copies: a year of hours beside one five-minute
   * slot costs what a year of five-minute slots does.
   */
  static final long MIN_UNIT_SECONDS = 300;

  /** More slots in or out than this and the window is read anew: cheaper than that many moves. */
  private static final int MAX_CHANGES = 64;

  /** The window, oldest first; immutable, as every window handed in must be. */
  private List<CarbonSignal> slots = List.of();
  /** How many slots of the window have each length, in seconds. */
  private final TreeMap<Long, Integer> lengths = new TreeMap<>();
  private long unit = MIN_UNIT_SECONDS;
  private final SortedValues values = new SortedValues();
  /** Positions in the overlap whose slot changed, at most {@link #MAX_CHANGES}. */
  private final int[] changed = new int[MAX_CHANGES];
  private double[] scratch = new double[0];

  /** How many units of {@code unit} seconds a slot of {@code seconds} stands for; at least one. */
  static int copies(long seconds, long unit) {
    return (int) Math.max(1, Math.round((double) seconds / unit));
  }

  static long seconds(CarbonSignal slot) {
    return slot.end().getEpochSecond() - slot.start().getEpochSecond();
  }

  /** The unit the window's values count in. */
  long unit() {
    return unit;
  }

  /** The window's values in increasing order: the first {@link #size()}, valid until the next advance. */
  double[] sorted() {
    return values.array();
  }

  int size() {
    return values.size();
  }

  /**
   * This window becomes {@code window} (oldest first, by start; immutable, since it is kept to
   * compare the next window with), its unit the shortest of its slots and {@code
   * shortestElsewhere} seconds (the current slot's length and the forecast's).
   */
  void advanceTo(List<CarbonSignal> window, long shortestElsewhere) {
    if (!update(window, shortestElsewhere)) {
      rebuild(window, shortestElsewhere);
    }
    slots = window;
  }

  /**
   * Brings lengths and values from {@link #slots} to {@code next} by the slots that differ; false,
   * leaving them to {@link #rebuild}, when the windows barely overlap, too many slots differ or
   * the unit changes.
   */
  private boolean update(List<CarbonSignal> next, long shortestElsewhere) {
    int n = next.size();
    int count = slots.size();
    if (count == 0 || n == 0) {
      return false;
    }
    // The overlap: next[a, a + k) against slots[b, b + k), one of a and b zero.
    int a;
    int b;
    int k;
    int replaced = 0;
    if (next instanceof SignalHistory now && slots instanceof SignalHistory then && now.sharesSignalsWith(then)) {
      // Views of one array: the same position is the same slot.
      int first = Math.max(now.offset(), then.offset());
      a = first - now.offset();
      b = first - then.offset();
      k = Math.min(now.offset() + n, then.offset() + count) - first;
      if (k <= 0 || a + (n - a - k) + b + (count - b - k) > MAX_CHANGES) {
        return false;
      }
    } else {
      a = 0;
      b = 0;
      if (next.get(0).start().isBefore(slots.get(0).start())) {
        a = indexOf(next, slots.get(0));
      } else {
        b = indexOf(slots, next.get(0));
      }
      if (a < 0 || b < 0) {
        return false;
      }
      k = Math.min(n - a, count - b);
      int outside = a + (n - a - k) + b + (count - b - k);
      if (outside > MAX_CHANGES) {
        return false;
      }
      for (int i = 0; i < k; i++) {
        if (next.get(a + i) != slots.get(b + i)) {
          if (outside + replaced == MAX_CHANGES) {
            return false;
          }
          changed[replaced++] = i;
        }
      }
    }
    // Lengths first: a new unit changes every slot's copies.
    for (int i = 0; i < b; i++) {
      countLength(slots.get(i), -1);
    }
    for (int i = b + k; i < count; i++) {
      countLength(slots.get(i), -1);
    }
    for (int i = 0; i < a; i++) {
      countLength(next.get(i), 1);
    }
    for (int i = a + k; i < n; i++) {
      countLength(next.get(i), 1);
    }
    for (int c = 0; c < replaced; c++) {
      countLength(slots.get(b + changed[c]), -1);
      countLength(next.get(a + changed[c]), 1);
    }
    if (unitFor(shortestElsewhere) != unit) {
      return false;
    }
    Changes out = new Changes();
    Changes in = new Changes();
    out.addAll(slots, 0, b);
    out.addAll(slots, b + k, count);
    in.addAll(next, 0, a);
    in.addAll(next, a + k, n);
    for (int c = 0; c < replaced; c++) {
      out.add(slots.get(b + changed[c]));
      in.add(next.get(a + changed[c]));
    }
    return out.applyWith(in);
  }

  /** The index in {@code inOrder} of {@code slot} itself, found by its start; or -1. */
  private static int indexOf(List<CarbonSignal> inOrder, CarbonSignal slot) {
    Instant start = slot.start();
    int lo = 0;
    int hi = inOrder.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (inOrder.get(mid).start().isBefore(start)) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < inOrder.size() && inOrder.get(lo) == slot ? lo : -1;
  }

  /** Reads {@code next} anew: lengths, unit and values. */
  private void rebuild(List<CarbonSignal> next, long shortestElsewhere) {
    lengths.clear();
    for (CarbonSignal s : next) {
      countLength(s, 1);
    }
    unit = unitFor(shortestElsewhere);
    int total = 0;
    for (CarbonSignal s : next) {
      total += copies(seconds(s), unit);
    }
    if (scratch.length < total) {
      scratch = new double[total];
    }
    int v = 0;
    for (CarbonSignal s : next) {
      double value = s.intensity().gramsPerKwh();
      for (int c = copies(seconds(s), unit); c > 0; c--) {
        scratch[v++] = value;
      }
    }
    values.reset(scratch, total);
  }

  private long unitFor(long shortestElsewhere) {
    long shortest = lengths.isEmpty() ? shortestElsewhere : Math.min(shortestElsewhere, lengths.firstKey());
    return Math.max(MIN_UNIT_SECONDS, shortest);
  }

  private void countLength(CarbonSignal slot, int change) {
    lengths.merge(seconds(slot), change, (was, by) -> was + by == 0 ? null : was + by);
  }

  /** Values going out of or into the window, each slot's as many as its copies. */
  private final class Changes {
    private double[] list = new double[8];
    private int size;

    void addAll(List<CarbonSignal> slots, int from, int to) {
      for (int i = from; i < to; i++) {
        add(slots.get(i));
      }
    }

    void add(CarbonSignal slot) {
      double value = slot.intensity().gramsPerKwh();
      for (int c = copies(seconds(slot), unit); c > 0; c--) {
        if (size == list.length) {
          list = Arrays.copyOf(list, size * 2);
        }
        list[size++] = value;
      }
    }

    /**
     * Takes these values out of the window's and puts {@code in}'s in, pairwise as replacements;
     * false when one of these is not there (then the window must be read anew).
     */
    boolean applyWith(Changes in) {
      int paired = Math.min(size, in.size);
      for (int i = 0; i < paired; i++) {
        if (!values.replace(list[i], in.list[i])) {
          return false;
        }
      }
      for (int i = paired; i < size; i++) {
        if (!values.remove(list[i])) {
          return false;
        }
      }
      for (int i = paired; i < in.size; i++) {
        values.add(in.list[i]);
      }
      return true;
    }
  }
}
