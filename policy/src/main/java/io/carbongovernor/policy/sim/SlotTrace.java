package io.carbongovernor.policy.sim;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.SignalKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * A trace checked for simulation (contiguous slots of one length) and held as arrays, with each
 * slot also as the signal a policy sees.
 */
final class SlotTrace {

  final long startSecond;
  final long slotSeconds;
  final double[] intensity;
  final List<CarbonSignal> signals;

  private SlotTrace(long startSecond, long slotSeconds, double[] intensity, List<CarbonSignal> signals) {
    this.startSecond = startSecond;
    this.slotSeconds = slotSeconds;
    this.intensity = intensity;
    this.signals = signals;
  }

  /**
   * @throws IllegalArgumentException when slots differ in length (a gap in the file makes the slot
   *     before it longer) or do not follow each other
   */
  static SlotTrace of(CarbonTrace trace) {
    List<CarbonTrace.Slot> slots = trace.slots();
    // A gap in a file makes the slot before it longer, so the shortest slot is the grid.
    Duration length = slots.get(0).length();
    for (CarbonTrace.Slot s : slots) {
      if (s.length().compareTo(length) < 0) {
        length = s.length();
      }
    }
    if (length.getNano() != 0 || length.isZero()) {
      throw new IllegalArgumentException("trace slots must last whole seconds, got " + length);
    }
    String zone = trace.zone().orElse("trace");
    CarbonSignal[] signals = new CarbonSignal[slots.size()];
    double[] values = new double[slots.size()];
    for (int i = 0; i < slots.size(); i++) {
      CarbonTrace.Slot s = slots.get(i);
      if (!s.length().equals(length)) {
        throw new IllegalArgumentException(
            "trace has a gap: the row for " + s.start() + " is followed by one for " + s.end()
                + ", " + s.length().toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " later, where rows are " + length.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                + " apart; the simulator needs evenly spaced slots");
      }
      if (i > 0 && !s.start().equals(slots.get(i - 1).end())) {
        throw new IllegalArgumentException(
            "trace has a gap: nothing from " + slots.get(i - 1).end() + " to " + s.start());
      }
      values[i] = s.intensity().gramsPerKwh();
      signals[i] = new CarbonSignal(zone, s.start(), s.end(), s.intensity(), SignalKind.AVERAGE, "trace", s.estimated());
    }
    return new SlotTrace(slots.get(0).start().getEpochSecond(), length.getSeconds(), values, Arrays.asList(signals));
  }

  int size() {
    return intensity.length;
  }

  Instant start(int slot) {
    return Instant.ofEpochSecond(startSecond + slot * slotSeconds);
  }

  Instant end() {
    return start(size());
  }

  /** The slot covering {@code t}, or -1 outside the trace. */
  int slotAt(Instant t) {
    long offset = t.getEpochSecond() - startSecond;
    if (offset < 0) {
      return -1;
    }
    long i = offset / slotSeconds;
    return i >= size() ? -1 : (int) i;
  }
}
