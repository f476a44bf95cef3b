package io.carbongovernor.policy.defer;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.policy.HistoryForecaster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The intensity expected from {@code now} to some end, as constant pieces: a given signal (the
 * current one and the forecast) where one covers the time, else the history's daily profile with
 * the latest known departure fading at the persistence fitted on the history ({@link
 * DepartureForecast}, from a week of history), else the history forecaster on a shorter history,
 * else the last known value held. Integrates in O(log n) per query by prefix sums.
 */
final class ExpectedIntensity {

  /** The grid of predicted pieces where no signal covers the time; slots are usually hourly. */
  private static final Duration DEFAULT_SLOT = Duration.ofHours(1);

  /** Seconds from now of each piece's start, and one past the last piece's end. */
  private final double[] edge;
  private final double[] value;
  /** Gram-seconds per kWh from now to each edge. */
  private final double[] integral;
  final int fromSignals;
  final int predicted;
  final int held;

  private ExpectedIntensity(double[] edge, double[] value, int fromSignals, int predicted, int held) {
    this.edge = edge;
    this.value = value;
    this.fromSignals = fromSignals;
    this.predicted = predicted;
    this.held = held;
    this.integral = new double[edge.length];
    for (int i = 0; i < value.length; i++) {
      integral[i + 1] = integral[i] + value[i] * (edge[i + 1] - edge[i]);
    }
  }

  /**
   * @param known signals in time order (the current one, the forecast); may be empty
   * @param history slots before {@code now} in time order; may be empty
   * @return empty when neither is given
   */
  static java.util.Optional<ExpectedIntensity> of(Instant now, Instant end, List<CarbonSignal> known,
      List<CarbonSignal> history, HistoryForecaster forecaster) {
    if (known.isEmpty() && history.isEmpty()) {
      return java.util.Optional.empty();
    }
    long slot = slotSeconds(known, history);
    java.util.ArrayList<Double> edges = new java.util.ArrayList<>();
    java.util.ArrayList<Double> values = new java.util.ArrayList<>();
    int fromSignals = 0;
    int predicted = 0;
    int held = 0;
    double last = Double.NaN;
    CarbonSignal anchor = null;
    if (!history.isEmpty()) {
      anchor = history.get(history.size() - 1);
      last = anchor.intensity().gramsPerKwh();
    }
    java.util.Optional<DepartureForecast> fitted = DepartureForecast.fit(history, slot);
    Instant t = now;
    int k = 0;
    double horizon = seconds(now, end);
    while (seconds(now, t) < horizon || edges.isEmpty()) {
      while (k < known.size() && !known.get(k).end().isAfter(t)) {
        k++;
      }
      Instant next;
      double v;
      if (k < known.size() && !known.get(k).start().isAfter(t)) {
        CarbonSignal s = known.get(k);
        next = s.end();
        v = s.intensity().gramsPerKwh();
        last = v;
        anchor = s;
        fromSignals++;
      } else {
        long epoch = t.getEpochSecond();
        Instant boundary = Instant.ofEpochSecond(Math.floorDiv(epoch, slot) * slot + slot);
        next = k < known.size() && known.get(k).start().isBefore(boundary) ? known.get(k).start() : boundary;
        Instant slotStart = Instant.ofEpochSecond(Math.floorDiv(epoch, slot) * slot);
        OptionalDouble p;
        if (fitted.isPresent() && anchor != null) {
          p = OptionalDouble.of(fitted.get().predict(anchor, slotStart));
        } else {
          p = history.isEmpty() ? OptionalDouble.empty() : forecaster.predict(history, now, slotStart);
        }
        if (p.isPresent()) {
          v = p.getAsDouble();
          predicted++;
        } else {
          v = Double.isNaN(last) ? known.get(0).intensity().gramsPerKwh() : last;
          held++;
        }
      }
      edges.add(seconds(now, t));
      values.add(v);
      t = next;
    }
    edges.add(Math.max(horizon, seconds(now, t)));
    double[] edge = new double[edges.size()];
    double[] value = new double[values.size()];
    for (int i = 0; i < edge.length; i++) {
      edge[i] = edges.get(i);
    }
    for (int i = 0; i < value.length; i++) {
      value[i] = values.get(i);
    }
    return java.util.Optional.of(new ExpectedIntensity(edge, value, fromSignals, predicted, held));
  }

  private static long slotSeconds(List<CarbonSignal> known, List<CarbonSignal> history) {
    Duration shortest = null;
    for (CarbonSignal s : known) {
      shortest = shorter(shortest, s.length());
    }
    if (!history.isEmpty()) {
      shortest = shorter(shortest, history.get(history.size() - 1).length());
    }
    long seconds = shortest == null ? DEFAULT_SLOT.toSeconds() : shortest.toSeconds();
    return Math.max(60, seconds);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a == null || b.compareTo(a) < 0 ? b : a;
  }

  private static double seconds(Instant from, Instant to) {
    return Duration.between(from, to).toNanos() / 1e9;
  }

  /** Where pieces start, in seconds from now, strictly after {@code after} and before {@code before}. */
  double[] boundaries(double after, double before) {
    return java.util.Arrays.stream(edge).filter(e -> e > after && e < before).toArray();
  }

  /** The mean expected intensity over {@code [from, from + length)}, seconds from now. */
  double mean(double from, double length) {
    return (at(from + length) - at(from)) / length;
  }

  private double at(double x) {
    int i = java.util.Arrays.binarySearch(edge, x);
    if (i >= 0) {
      return integral[i];
    }
    int piece = Math.min(value.length - 1, Math.max(0, -i - 2));
    return integral[piece] + value[piece] * (x - edge[piece]);
  }
}
