package io.carbongovernor.policy.defer;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.policy.HistoryForecaster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Chooses a job's start: of now, each slot boundary before the latest feasible start, and that
 * latest start, the one whose run (the expected duration at the policy's slowdown) has the least
 * mean expected intensity; the earliest of equals. Expected intensities come from the signals
 * given (current and forecast); where they end, from a week or more of history, the daily profile
 * plus the latest departure from it fading at the persistence measured on that history ({@link
 * DepartureForecast}); from less history, {@link HistoryForecaster}; else the last value held.
 * With nothing known, or once the latest start has come, it is now.
 *
 * <p>Pure: the same arguments give the same plan. A queue calls it every interval, so each new
 * forecast moves the plan, and starts the job once {@link StartPlan#due} says so.
 */
public final class StartPlanner {

  /** A later start must be better by more than this share to be chosen over an earlier one. */
  private static final double TIE = 1e-9;

  private final DeferSettings settings;
  private final HistoryForecaster forecaster;

  public StartPlanner(DeferSettings settings, HistoryForecaster forecaster) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
  }

  public StartPlanner(DeferSettings settings) {
    this(settings, HistoryForecaster.DEFAULT);
  }

  public DeferSettings settings() {
    return settings;
  }

  /**
   * @param now the time of planning
   * @param known the current signal and the forecast, in time order; may be empty
   * @param history slots before now, in time order; a week or more fits the daily profile and the
   *     persistence of departures (the daemon keeps eight days), less falls back to the history
   *     forecaster; may be empty
   */
  public StartPlan plan(Instant now, DeferredJob job, List<CarbonSignal> known, List<CarbonSignal> history) {
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(job, "job");
    Instant latest = job.latestStart(settings);
    Duration run = settings.plannedRun(job.expected());
    double runSeconds = run.toNanos() / 1e9;
    Instant last = latest.isAfter(now) ? latest : now;
    Optional<ExpectedIntensity> expected =
        ExpectedIntensity.of(now, last.plus(run), List.copyOf(known), List.copyOf(history), forecaster);
    if (expected.isEmpty()) {
      return new StartPlan(now, now, latest, OptionalDouble.empty(), OptionalDouble.empty(), StartPlan.Basis.NONE);
    }
    ExpectedIntensity e = expected.get();
    double atNow = e.mean(0, runSeconds);
    if (!latest.isAfter(now)) {
      return new StartPlan(now, now, latest, OptionalDouble.of(atNow), OptionalDouble.of(atNow),
          StartPlan.Basis.LATEST_START);
    }
    double latestOffset = Duration.between(now, latest).toNanos() / 1e9;
    double bestOffset = 0;
    double best = atNow;
    for (double offset : e.boundaries(0, latestOffset)) {
      double mean = e.mean(offset, runSeconds);
      if (mean < best - TIE * Math.abs(best)) {
        best = mean;
        bestOffset = offset;
      }
    }
    double atLatest = e.mean(latestOffset, runSeconds);
    if (atLatest < best - TIE * Math.abs(best)) {
      best = atLatest;
      bestOffset = latestOffset;
    }
    Instant start = bestOffset == latestOffset ? latest : now.plusNanos(Math.round(bestOffset * 1e9));
    if (start.isAfter(latest)) {
      start = latest; // rounding of a boundary a nanosecond before it
    }
    return new StartPlan(now, start, latest, OptionalDouble.of(best), OptionalDouble.of(atNow), basis(e, known));
  }

  private static StartPlan.Basis basis(ExpectedIntensity e, List<CarbonSignal> known) {
    if (known.isEmpty()) {
      return StartPlan.Basis.HISTORY;
    }
    return e.predicted == 0 && e.held == 0 ? StartPlan.Basis.FORECAST : StartPlan.Basis.PARTIAL_FORECAST;
  }
}
