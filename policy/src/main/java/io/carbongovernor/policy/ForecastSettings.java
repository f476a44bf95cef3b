package io.carbongovernor.policy;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of the {@code forecast} policy.
 *
 * @param budget the slowdown a job may take, as a fraction of its full-speed time (0.05: at most
 *     5 % longer); without a known job, the share of throughput it may give up over the horizon
 * @param horizon how far ahead each plan looks; beyond the sources' forecast it forecasts from
 *     history
 */
public record ForecastSettings(double budget, Duration horizon) {

  public static final Duration DEFAULT_HORIZON = Duration.ofHours(48);

  public ForecastSettings {
    if (!(budget >= 0) || budget > 10) {
      throw new IllegalArgumentException("budget must be within [0, 10] (0 % to 1000 %), got " + budget);
    }
    Objects.requireNonNull(horizon, "horizon");
    if (horizon.compareTo(Duration.ofHours(1)) < 0 || horizon.compareTo(Duration.ofDays(14)) > 0) {
      throw new IllegalArgumentException("horizon must be within 1h and 14d, got " + horizon);
    }
  }

  /** A budget of {@code percent} % over the default horizon. */
  public static ForecastSettings percent(double percent) {
    return new ForecastSettings(percent / 100.0, DEFAULT_HORIZON);
  }
}
