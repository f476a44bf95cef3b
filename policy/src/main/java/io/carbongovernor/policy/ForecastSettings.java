package io.carbongovernor.policy;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The knobs of the {@code forecast} policy.
 *
 * @param budget the slowdown allowed, as a fraction of full-speed time (0.05: 5 % longer)
 * @param horizon how far ahead each plan looks; beyond the sources' forecast it forecasts from
 *     history
 * @param scope whom the budget binds: each job on its own, or a team's work on average
 * @param window with a team's budget, the span of past intensities its price of time is
 *     calibrated on, so the span over which the budget holds on average; unused per job
 * @param jobCeiling with a team's budget, the most one known job is slowed; unused per job
 * @param floorWindow with a team's budget, a longer span whose price is the least the window's
 *     may take, and once the history covers all of it the price itself: spans no longer than the
 *     window add nothing; unused per job
 */
public record ForecastSettings(
    double budget, Duration horizon, BudgetScope scope, Duration window, double jobCeiling, Duration floorWindow) {

  /**
   * The scope a configuration gets unless it says otherwise: a team's budget, which holds on
   * grids and GPUs it was never tuned on (at least 0.95 of the oracle's reduction at equal
   * slowdown in every cell of {@code bench/stress-matrix}), where a per-job budget reached 0.88.
   */
  public static final BudgetScope DEFAULT_SCOPE = BudgetScope.TEAM;

  /** A team's default bound on one job's slowdown, as a multiple of the budget. */
  public static final double CEILING_FACTOR = 3;

  public static final Duration DEFAULT_HORIZON = Duration.ofHours(48);

  /**
   * A week: one of each day of the week, so that weekends weigh as they come; short enough that a
   * turn to dirtier weeks raises the price within days instead of overrunning the budget for
   * weeks. The price's floor ({@link #DEFAULT_FLOOR_WINDOW}) keeps clean weeks from buying little
   * carbon with much time. Measured against 56 days on {@code bench/stress-matrix}'s cells that
   * missed a goal: fewer misses of holding every 8 weeks against Chase and of the static caps,
   * more of Chase's year frontier.
   */
  public static final Duration DEFAULT_WINDOW = Duration.ofDays(7);

  /** The longest window: a year and a day. */
  public static final Duration MAX_WINDOW = Duration.ofDays(366);

  /**
   * A year and a day: in a season cleaner than the year, time is priced as the year prices it, not
   * lower, so a clean season's weeks do not buy little carbon with much time. A price that moves
   * from season to season spends a year's time less well than a steady one (Chase's, at the same
   * year's time change); the floor keeps it steady except where a season needs it higher to hold
   * its weeks within the budget. Once the history covers the whole year, every season is known and
   * the year's price alone holds: on the wind grids, where weeks differ most, the week's price
   * cost up to half a point of carbon at Chase's time change.
   */
  public static final Duration DEFAULT_FLOOR_WINDOW = MAX_WINDOW;

  /** Whom a slowdown budget binds. */
  public enum BudgetScope {
    /**
     * Every job finishes within its full-speed time times one plus the budget (without a known
     * job: at most the budget's share of throughput is given up over the horizon).
     */
    JOB,
    /**
     * A team's work as a whole is slowed by at most the budget on average: time gets a price,
     * calibrated so that over the intensities seen (and forecast) it would spend the budget, and
     * each slot takes the limit of least carbon plus priced time. Dirty days get more slowdown
     * than clean ones; a known job is held within its full-speed time times one plus the job
     * ceiling.
     */
    TEAM;

    /** The config word: {@code job}, {@code team}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public ForecastSettings {
    if (!(budget >= 0) || budget > 10) {
      throw new IllegalArgumentException("budget must be within [0, 10] (0 % to 1000 %), got " + budget);
    }
    Objects.requireNonNull(horizon, "horizon");
    if (horizon.compareTo(Duration.ofHours(1)) < 0 || horizon.compareTo(Duration.ofDays(14)) > 0) {
      throw new IllegalArgumentException("horizon must be within 1h and 14d, got " + words(horizon));
    }
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(window, "window");
    if (window.compareTo(Duration.ofDays(1)) < 0 || window.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("window must be within 1d and 366d, got " + words(window));
    }
    if (!(jobCeiling >= budget) || jobCeiling > 10) {
      throw new IllegalArgumentException(
          "job ceiling must be within [budget, 10] (" + budget + " to 1000 %), got " + jobCeiling);
    }
    Objects.requireNonNull(floorWindow, "floorWindow");
    if (floorWindow.compareTo(Duration.ofDays(1)) < 0 || floorWindow.compareTo(MAX_WINDOW) > 0) {
      throw new IllegalArgumentException("price floor window must be within 1d and 366d, got " + words(floorWindow));
    }
  }

  /** As the canonical constructor, the default price floor's window. */
  public ForecastSettings(double budget, Duration horizon, BudgetScope scope, Duration window, double jobCeiling) {
    this(budget, horizon, scope, window, jobCeiling, DEFAULT_FLOOR_WINDOW);
  }

  /** As the canonical constructor, a team's job ceiling the default: {@link #CEILING_FACTOR} times the budget. */
  public ForecastSettings(double budget, Duration horizon, BudgetScope scope, Duration window) {
    this(budget, horizon, scope, window, defaultCeiling(budget));
  }

  /** Whether a team's price has a floor: its span reaches further back than the window. */
  public boolean hasFloor() {
    return scope == BudgetScope.TEAM && floorWindow.compareTo(window) > 0;
  }

  /** {@link #CEILING_FACTOR} times {@code budget}, at most 10 (1000 %). */
  public static double defaultCeiling(double budget) {
    return Math.min(10, Math.max(budget, CEILING_FACTOR * budget));
  }

  /** {@code 400d}, {@code 36h}, {@code 90m} as config files write them; else ISO-8601. */
  private static String words(Duration d) {
    if (d.isZero() || d.isNegative() || d.getNano() != 0) {
      return d.toString();
    }
    long s = d.getSeconds();
    return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
  }

  /** A per-job budget. */
  public ForecastSettings(double budget, Duration horizon) {
    this(budget, horizon, BudgetScope.JOB, DEFAULT_WINDOW);
  }

  /** A budget binding {@code scope}, a team's over the default window. */
  public ForecastSettings(double budget, Duration horizon, BudgetScope scope) {
    this(budget, horizon, scope, DEFAULT_WINDOW);
  }

  /** A per-job budget of {@code percent} % over the default horizon. */
  public static ForecastSettings percent(double percent) {
    return new ForecastSettings(percent / 100.0, DEFAULT_HORIZON);
  }

  /** This budget, binding {@code value}. */
  public ForecastSettings withScope(BudgetScope value) {
    return new ForecastSettings(budget, horizon, value, window, jobCeiling, floorWindow);
  }

  /** This budget, a team's held over {@code value}. */
  public ForecastSettings withWindow(Duration value) {
    return new ForecastSettings(budget, horizon, scope, value, jobCeiling, floorWindow);
  }

  /** This budget, a team's jobs each held within {@code value} (0.15: 15 % longer than at full speed). */
  public ForecastSettings withJobCeiling(double value) {
    return new ForecastSettings(budget, horizon, scope, window, value, floorWindow);
  }

  /** This budget, a team's price floored by the price over {@code value} (the window or less: no floor). */
  public ForecastSettings withFloorWindow(Duration value) {
    return new ForecastSettings(budget, horizon, scope, window, jobCeiling, value);
  }
}
