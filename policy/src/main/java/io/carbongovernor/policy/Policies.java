package io.carbongovernor.policy;

import java.util.List;

/** Static factories for the built-in policies. */
public final class Policies {

  private Policies() {}

  /** Every GPU at its original limit; also the fail-safe. */
  public static Policy fullSpeed() {
    return FullSpeedPolicy.INSTANCE;
  }

  /** A fixed cap regardless of the grid. */
  public static Policy staticCap(PowerCap cap) {
    return new StaticPolicy(cap);
  }

  /**
   * A step table from intensity to cap. Bounds must increase and only the last band is open.
   *
   * @throws IllegalArgumentException when the table is malformed
   */
  public static Policy bands(List<Band> bands) {
    return new BandsPolicy(bands);
  }

  /**
   * Chase's rule: per tick the measured limit minimising {@code (eta * P(l) * CI_next + (1 - eta)
   * * P_ref * CI_ref) / throughput(l)}. GPUs need a workload profile in their {@link GpuState}.
   */
  public static Policy chase(ChaseSettings settings) {
    return new ChasePolicy(settings);
  }

  /**
   * Spends a slowdown budget on the dirtiest expected slots, re-planned every tick; forecasts from
   * history with {@link HistoryForecaster#DEFAULT} where the forecast passed in falls short.
   */
  public static Policy forecast(ForecastSettings settings) {
    return new ForecastPolicy(settings, HistoryForecaster.DEFAULT);
  }

  /** As {@link #forecast(ForecastSettings)}, with another history forecaster. */
  public static Policy forecast(ForecastSettings settings, HistoryForecaster forecaster) {
    return new ForecastPolicy(settings, forecaster);
  }
}
