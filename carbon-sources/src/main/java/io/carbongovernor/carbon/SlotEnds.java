package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Slot ends for a series that gives only starts: each slot ends where the next begins, unless the
 * gap is longer than the series' usual step (a hole), and the last lasts as long as its
 * predecessor's step.
 */
final class SlotEnds {

  private SlotEnds() {}

  static List<Instant> of(List<Instant> starts, Duration single) {
    Duration step = single;
    for (int i = 1; i < starts.size(); i++) {
      Duration gap = Duration.between(starts.get(i - 1), starts.get(i));
      if ((!gap.isNegative() && !gap.isZero()) && gap.compareTo(step) < 0) {
        step = gap;
      }
    }
    List<Instant> ends = new ArrayList<>(starts.size());
    for (Instant start : starts) {
      ends.add(start.plus(step));
    }
    return ends;
  }
}
