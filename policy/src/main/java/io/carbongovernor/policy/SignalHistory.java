package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.util.AbstractList;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * Signals in time order, immutable, whose sublists are views of the same array. A replay hands
 * a policy one view after another of one history, and {@link PolicyInput} keeps such a view as
 * it is instead of copying it at every tick; a policy that carries something from one tick to the
 * next ({@link SortedWindow}) then sees from positions alone which slots left and came, without
 * comparing the slots one by one.
 */
public final class SignalHistory extends AbstractList<CarbonSignal> implements RandomAccess {

  private final CarbonSignal[] slots;
  private final int from;
  private final int to;

  private SignalHistory(CarbonSignal[] slots, int from, int to) {
    this.slots = slots;
    this.from = from;
    this.to = to;
  }

  /**
   * A history of {@code inOrder}'s signals (oldest first), copied once.
   *
   * @throws NullPointerException when a signal is null
   */
  public static SignalHistory of(List<CarbonSignal> inOrder) {
    CarbonSignal[] copy = inOrder.toArray(new CarbonSignal[0]);
    for (CarbonSignal s : copy) {
      Objects.requireNonNull(s, "signal");
    }
    return new SignalHistory(copy, 0, copy.length);
  }

  @Override
  public CarbonSignal get(int index) {
    Objects.checkIndex(index, to - from);
    return slots[from + index];
  }

  @Override
  public int size() {
    return to - from;
  }

  /** A view of the same array: no copy. */
  @Override
  public SignalHistory subList(int fromIndex, int toIndex) {
    Objects.checkFromToIndex(fromIndex, toIndex, to - from);
    return new SignalHistory(slots, from + fromIndex, from + toIndex);
  }

  /** Whether {@code other} is a view of the same signals as this, so that positions compare. */
  boolean sharesSignalsWith(SignalHistory other) {
    return slots == other.slots;
  }

  /** Where this view starts in the signals it shares. */
  int offset() {
    return from;
  }
}
