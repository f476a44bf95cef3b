package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Forecasts a slot's intensity from history alone: a blend of the same hour on the most recent
 * known day and in the most recent known week, plus today's departure from that blend, which
 * fades with the lead time. Grids repeat daily (solar) and weekly (demand); the departure term
 * carries weather that lasts a few hours.
 *
 * @param dailyWeight weight of the same hour one day back (the weekly value gets the rest)
 * @param persistence how much of the current departure remains per hour of lead, in {@code [0, 1]}
 */
public record HistoryForecaster(double dailyWeight, double persistence) {

  /** The blend the {@code forecast} policy uses. */
  public static final HistoryForecaster DEFAULT = new HistoryForecaster(0.7, 0.9);

  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  public HistoryForecaster {
    if (!(dailyWeight >= 0 && dailyWeight <= 1)) {
      throw new IllegalArgumentException("daily weight must be within [0, 1], got " + dailyWeight);
    }
    if (!(persistence >= 0 && persistence <= 1)) {
      throw new IllegalArgumentException("persistence must be within [0, 1], got " + persistence);
    }
  }

  /**
   * The forecast for the slot starting at {@code at}, made at {@code now} knowing only {@code
   * history} (time order, every slot before {@code now}); empty when history is empty.
   */
  public OptionalDouble predict(List<CarbonSignal> history, Instant now, Instant at) {
    if (history.isEmpty()) {
      return OptionalDouble.empty();
    }
    OptionalDouble base = seasonal(history, now, at);
    CarbonSignal last = history.get(history.size() - 1);
    if (base.isEmpty()) {
      return OptionalDouble.of(last.intensity().gramsPerKwh());
    }
    OptionalDouble lastBase = seasonal(history, last.start(), last.start());
    double departure =
        lastBase.isPresent() ? last.intensity().gramsPerKwh() - lastBase.getAsDouble() : 0;
    double leadHours = Math.max(0, Duration.between(last.start(), at).toSeconds() / 3600.0);
    double value = base.getAsDouble() + departure * Math.pow(persistence, leadHours);
    return OptionalDouble.of(Math.max(0, value));
  }

  /** The daily/weekly blend for {@code at}, from slots that started before {@code knownBefore}. */
  private OptionalDouble seasonal(List<CarbonSignal> history, Instant knownBefore, Instant at) {
    OptionalDouble daily = back(history, knownBefore, at, DAY);
    OptionalDouble weekly = back(history, knownBefore, at, WEEK);
    if (daily.isPresent() && weekly.isPresent()) {
      return OptionalDouble.of(dailyWeight * daily.getAsDouble() + (1 - dailyWeight) * weekly.getAsDouble());
    }
    return daily.isPresent() ? daily : weekly;
  }

  /** The value at {@code at - k * period} for the smallest k >= 1 that is known before the cut. */
  private static OptionalDouble back(List<CarbonSignal> history, Instant knownBefore, Instant at, Duration period) {
    Instant t = at.minus(period);
    while (!t.isBefore(knownBefore)) {
      t = t.minus(period);
    }
    int i = indexCovering(history, t);
    return i < 0 ? OptionalDouble.empty() : OptionalDouble.of(history.get(i).intensity().gramsPerKwh());
  }

  static int indexCovering(List<CarbonSignal> slots, Instant t) {
    int lo = 0;
    int hi = slots.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      CarbonSignal s = slots.get(mid);
      if (t.isBefore(s.start())) {
        hi = mid - 1;
      } else if (!t.isBefore(s.end())) {
        lo = mid + 1;
      } else {
        return mid;
      }
    }
    return -1;
  }
}
