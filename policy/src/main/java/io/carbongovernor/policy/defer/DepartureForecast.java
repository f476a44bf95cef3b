package io.carbongovernor.policy.defer;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The intensity expected from history alone: the mean of each time of day over the history, plus
 * the latest known departure from that mean, fading by a persistence per slot that is fitted on
 * the same history (the lag-one autocorrelation of its departures). How long weather holds a grid
 * above or below its daily shape differs by grid and by season: on wind grids a departure lasts
 * most of a day, on others a few hours. Measuring it keeps the planner from waiting for a dip that
 * the departure now under way will fill, or from starting into a peak it has already lifted.
 *
 * <p>Fitted only on a history of at least {@link #MIN_HISTORY} in equal slots that divide a day,
 * so that every weekday weighs alike in the profile; else the planner falls back to {@link
 * io.carbongovernor.policy.HistoryForecaster}.
 */
final class DepartureForecast {

  /** The shortest history fitted: a whole week, so that the profile is no day's but the week's. */
  static final Duration MIN_HISTORY = Duration.ofDays(7);

  private static final long DAY_SECONDS = Duration.ofDays(1).toSeconds();

  private final long slotSeconds;
  /** Mean g/kWh per slot of the day, from midnight UTC. */
  private final double[] profile;
  private final double persistence;

  private DepartureForecast(long slotSeconds, double[] profile, double persistence) {
    this.slotSeconds = slotSeconds;
    this.profile = profile;
    this.persistence = persistence;
  }

  /**
   * @param history slots in time order; those not {@code slotSeconds} long are left out
   * @return empty when the slots do not divide a day, or the history is shorter than a week or
   *     leaves a time of day unseen
   */
  static Optional<DepartureForecast> fit(List<CarbonSignal> history, long slotSeconds) {
    if (slotSeconds <= 0 || DAY_SECONDS % slotSeconds != 0 || history.isEmpty()) {
      return Optional.empty();
    }
    Duration covered = Duration.between(history.get(0).start(), history.get(history.size() - 1).end());
    if (covered.compareTo(MIN_HISTORY) < 0) {
      return Optional.empty();
    }
    int buckets = (int) (DAY_SECONDS / slotSeconds);
    double[] sum = new double[buckets];
    int[] count = new int[buckets];
    for (CarbonSignal s : history) {
      if (s.length().toSeconds() == slotSeconds) {
        int b = bucket(s.start(), slotSeconds);
        sum[b] += s.intensity().gramsPerKwh();
        count[b]++;
      }
    }
    double[] profile = new double[buckets];
    for (int b = 0; b < buckets; b++) {
      if (count[b] == 0) {
        return Optional.empty();
      }
      profile[b] = sum[b] / count[b];
    }
    double lagged = 0;
    double square = 0;
    CarbonSignal previous = null;
    for (CarbonSignal s : history) {
      if (s.length().toSeconds() != slotSeconds) {
        previous = null;
        continue;
      }
      double d = departure(s, profile, slotSeconds);
      if (previous != null && previous.end().equals(s.start())) {
        double p = departure(previous, profile, slotSeconds);
        lagged += p * d;
        square += p * p;
      }
      previous = s;
    }
    double persistence = square > 0 ? Math.min(1, Math.max(0, lagged / square)) : 0;
    return Optional.of(new DepartureForecast(slotSeconds, profile, persistence));
  }

  /** How much of a departure remains one slot later, in {@code [0, 1]}. */
  double persistence() {
    return persistence;
  }

  /**
   * The expected intensity at {@code at}: the profile there plus {@code anchor}'s departure from
   * the profile, faded by the persistence for each slot from the anchor's start; never negative.
   */
  double predict(CarbonSignal anchor, Instant at) {
    double lead = Math.max(0, Duration.between(anchor.start(), at).toSeconds() / (double) slotSeconds);
    double value = profile[bucket(at, slotSeconds)]
        + departure(anchor, profile, slotSeconds) * Math.pow(persistence, lead);
    return Math.max(0, value);
  }

  private static double departure(CarbonSignal s, double[] profile, long slotSeconds) {
    return s.intensity().gramsPerKwh() - profile[bucket(s.start(), slotSeconds)];
  }

  private static int bucket(Instant t, long slotSeconds) {
    return (int) (Math.floorMod(t.getEpochSecond(), DAY_SECONDS) / slotSeconds);
  }
}
