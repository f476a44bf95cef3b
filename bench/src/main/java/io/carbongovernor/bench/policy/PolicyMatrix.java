package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.HistoryForecaster;
import io.carbongovernor.policy.sim.Contender;
import io.carbongovernor.policy.sim.Contenders;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Frontier;
import io.carbongovernor.policy.sim.Result;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The policy matrix: every trace given x the bundled A40 and V100 profiles x three workloads x
 * slowdown budgets of 2.5, 5 and 10 %, and the history forecaster's error on each trace, as a
 * Markdown report. Usage: {@code PolicyMatrix OUT.md COMMAND TRACE...}.
 */
public final class PolicyMatrix {

  static final String[][] WORKLOADS = {
    {"imagenet/resnet50", "256"}, {"squad/bert_base_uncased", "32"}, {"cifar100/shufflenetv2", "1024"}
  };
  static final double[] BUDGETS = {2.5, 5, 10};
  static final Duration WARM_UP = Duration.ofDays(8);
  /** Up to this time change (percent, forecast's largest budget) forecast is run at a point's slowdown. */
  static final double MAX_EXACT_BUDGET = 1000;

  private PolicyMatrix() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: PolicyMatrix OUT.md COMMAND TRACE...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    String command = args[1];
    StringBuilder md = new StringBuilder();
    StringBuilder matrix = new StringBuilder();
    StringBuilder frontiers = new StringBuilder();
    StringBuilder chase = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    long began = System.nanoTime();
    double worstFraction = Double.POSITIVE_INFINITY;
    String worstWhere = "";
    for (int t = 2; t < args.length; t++) {
      Path file = Path.of(args[t]);
      CarbonTrace trace = CarbonTrace.read(file);
      String name = file.getFileName().toString().replaceFirst("_hourly\\.csv$", "").replaceFirst("\\.csv$", "");
      errors.append(forecasterError(name, trace));
      for (String family : List.of("a40", "v100")) {
        PowerConstraints limits = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(family.equals("a40") ? 300 : 250));
        Gpu gpu = new Gpu(0, "SIM", family, limits, limits.max());
        for (String[] w : WORKLOADS) {
          PowerProfile profile = ZeusProfiles.bundled(family).profile(w[0], Integer.parseInt(w[1]));
          Simulator sim = Simulator.create(trace, gpu, profile);
          double epochs = Math.ceil(Duration.ofHours(24).toSeconds() / sim.fullSpeedSeconds(1));
          List<Instant> starts = Experiment.starts(sim, sim.traceStart().plus(WARM_UP), Duration.ofDays(1),
              Duration.between(sim.traceStart(), sim.traceEnd()), epochs);
          Experiment ex = Experiment.of(sim, starts, epochs);
          String where = name + " | " + family.toUpperCase(Locale.ROOT) + " | " + w[0] + " bs " + w[1];
          System.err.println("simulating " + where.replace(" | ", ", ") + ": " + starts.size() + " jobs");

          List<Result> statics = sweep(ex, Contenders.sweep("static", sim.options()));
          List<Result> chases = sweep(ex, Contenders.sweep("chase", sim.options()));
          List<Result> forecasts = sweep(ex, Contenders.sweep("forecast", sim.options()));
          Result chaseDefault = ex.measure(Contenders.chase(ChaseSettings.DEFAULTS), true);
          for (double b : BUDGETS) {
            Result f = ex.measure(Contenders.forecast(b), true);
            Result o = ex.measure(Contenders.oracle(b), false);
            Result bestStatic = bestWithin(statics, b);
            Result bestChase = bestWithin(chases, b);
            double share = o.carbonChangePercent() < 0 ? f.carbonChangePercent() / o.carbonChangePercent() : Double.NaN;
            if (f.oracleFraction() < worstFraction) {
              worstFraction = f.oracleFraction();
              worstWhere = where + " | " + pct(b);
            }
            matrix.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                where, pct(b), cell(f), frac(f.oracleFraction()), cell(o), frac(share),
                cell(bestChase) + " " + bestChase.contender().knob(),
                cell(bestStatic) + " " + bestStatic.contender().knob(),
                cell(chaseDefault)));
          }
          Map<Double, Result> atBudget = new HashMap<>();
          frontiers.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", where,
              margin(ex, forecasts, chases, atBudget), margin(ex, forecasts, statics, atBudget)));
          if (w[0].equals("imagenet/resnet50")) {
            chase.append(String.format(Locale.ROOT, "| %s | %s | %+.2f %% | %+.2f %% | %s |%n", name,
                family.toUpperCase(Locale.ROOT), chaseDefault.carbonChangePercent(), chaseDefault.timeChangePercent(),
                frac(chaseDefault.oracleFraction())));
          }
        }
      }
    }
    double minutes = (System.nanoTime() - began) / 6e10;

    md.append("# Policy matrix\n\n");
    md.append("Produced by `").append(command).append("` in ")
        .append(String.format(Locale.ROOT, "%.1f min", minutes)).append(".\n\n");
    md.append("""
        Each cell replays one job a day on the trace, from 8 days in (so the history forecasters
        have a week behind them) to the last day a job fits; each job does the epochs that take
        24 h at full speed (the GPU's maximum limit) and runs without pause. Policies decide once
        per hourly slot from what they could know then: the current hour's intensity, the hours
        before it and the job's progress, no forecast (the traces have none; `forecast` forecasts
        from history, Chase uses its one-step model only when the current hour is unknown). The
        oracle knows the whole trace. Carbon and time are changes against full speed over all
        jobs; `x (y)` reads carbon change x at time change y.

        - **forecast / oracle**: the share of the oracle's reduction that `forecast` reaches at
          equal slowdown (per job, the oracle gets `forecast`'s own finish time as its deadline).
        - **vs oracle @ budget**: `forecast`'s reduction over the oracle's when both have the
          same budget.
        - **best chase / best static within budget**: the eta (0 to 1 by 0.1) or cap (each
          measured limit) with the least carbon whose time change stays within the budget.
        - **chase (eta 0.5)**: Chase's defaults (P_ref the maximum limit, CI_ref 750).

        """);
    md.append(String.format(Locale.ROOT,
        "Lowest forecast/oracle share in the matrix: **%s** (%s).%n%n", frac(worstFraction), worstWhere));
    md.append("| trace | GPU | workload | budget | forecast | forecast / oracle | oracle @ budget | vs oracle @ budget "
        + "| best chase within budget | best static within budget | chase (eta 0.5) |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    md.append(matrix);
    md.append("""

        ## Frontiers

        The largest gap, in percentage points of carbon change, between `forecast`'s carbon/time
        frontier and any point of Chase's eta sweep or of the static caps, at that point's time
        change t: `forecast`'s value there is the better of `forecast` run with budget t and its
        budget sweep (0.25 to 30 %, linear between
        points, its slowest beyond). Zero or below: `forecast`'s frontier is at or below that
        point.

        | trace | GPU | workload | forecast minus chase, worst point | forecast minus static, worst point |
        |---|---|---|---|---|
        """);
    md.append(frontiers);
    md.append("""

        ## Chase on ResNet-50 (ImageNet, batch 256), eta 0.5

        Chase's paper headline: -13.6 % carbon at +2.5 % training time (A40, ResNet-50, WattTime
        marginal intensities of a few days in October 2022). Here on a year of average intensities.

        | trace | GPU | carbon | time | share of oracle at equal slowdown |
        |---|---|---|---|---|
        """);
    md.append(chase);
    md.append("""

        ## History forecaster error

        `HistoryForecaster.DEFAULT` (0.7 x the same hour on the latest known day + 0.3 x the same
        hour a week before, plus the latest hour's departure from that blend fading by 0.9 per hour
        of lead), over every hour from the ninth day on. Lead: hours from the last known hour to
        the hour forecast. For comparison, persistence (the last known hour held) and the same hour
        on the latest known day alone.

        | trace | lead | MAE g/kWh | MAPE | persistence MAE | persistence MAPE | yesterday MAE | yesterday MAPE |
        |---|---|---|---|---|---|---|---|
        """);
    md.append(errors);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.err.println("wrote " + out);
  }

  private static List<Result> sweep(Experiment ex, List<Contender> contenders) {
    List<Result> results = new ArrayList<>();
    for (Contender c : contenders) {
      results.add(ex.measure(c, false));
    }
    return results;
  }

  /** The least-carbon result whose time change is within the budget (full speed always is). */
  private static Result bestWithin(List<Result> sweep, double budget) {
    Result best = null;
    for (Result r : sweep) {
      if (r.timeChangePercent() <= budget + 1e-9
          && (best == null || r.carbonChangePercent() < best.carbonChangePercent())) {
        best = r;
      }
    }
    return best;
  }

  /**
   * The worst (largest) gap of forecast's frontier over the other sweep's points. At each point's
   * time change t, forecast's frontier is the better of forecast run with budget t and its sweep's
   * frontier at t.
   */
  private static String margin(Experiment ex, List<Result> forecast, List<Result> other, Map<Double, Result> atBudget) {
    List<Result> frontier = Frontier.of(forecast);
    double worst = Double.NEGATIVE_INFINITY;
    String at = "";
    for (Result p : other) {
      double t = p.timeChangePercent();
      double best = Frontier.carbonAt(frontier, t);
      if (t > 0 && t <= MAX_EXACT_BUDGET) {
        Result exact = atBudget.computeIfAbsent(t, b -> ex.measure(Contenders.forecast(b), false));
        if (exact.timeChangePercent() <= t + 1e-9) {
          best = Math.min(best, exact.carbonChangePercent());
        }
      }
      double gap = best - p.carbonChangePercent();
      if (gap > worst) {
        worst = gap;
        at = p.contender().knob();
      }
    }
    return String.format(Locale.ROOT, "%+.2f pp (%s)", worst, at);
  }

  private static String forecasterError(String name, CarbonTrace trace) {
    List<CarbonTrace.Slot> slots = trace.slots();
    List<CarbonSignal> signals = new ArrayList<>(slots.size());
    for (CarbonTrace.Slot s : slots) {
      signals.add(new CarbonSignal("z", s.start(), s.end(), s.intensity(), SignalKind.AVERAGE, "trace", s.estimated()));
    }
    StringBuilder rows = new StringBuilder();
    int from = (int) (WARM_UP.toHours() + 24);
    for (int lead : new int[] {1, 6, 24}) {
      double[] model = new double[2];
      double[] persist = new double[2];
      double[] daily = new double[2];
      int n = 0;
      HistoryForecaster yesterday = new HistoryForecaster(1, 0);
      for (int t = from; t < signals.size(); t++) {
        int known = t - lead + 1; // slots [0, known) are known
        List<CarbonSignal> history = signals.subList(0, known);
        Instant now = signals.get(known).start();
        Instant at = signals.get(t).start();
        double actual = signals.get(t).intensity().gramsPerKwh();
        OptionalDouble p = HistoryForecaster.DEFAULT.predict(history, now, at);
        OptionalDouble y = yesterday.predict(history, now, at);
        add(model, p.orElseThrow(), actual);
        add(persist, history.get(known - 1).intensity().gramsPerKwh(), actual);
        add(daily, y.orElseThrow(), actual);
        n++;
      }
      rows.append(String.format(Locale.ROOT, "| %s | %d h | %.1f | %.1f %% | %.1f | %.1f %% | %.1f | %.1f %% |%n",
          name, lead, model[0] / n, model[1] / n * 100, persist[0] / n, persist[1] / n * 100,
          daily[0] / n, daily[1] / n * 100));
    }
    return rows.toString();
  }

  private static void add(double[] acc, double predicted, double actual) {
    double e = Math.abs(predicted - actual);
    acc[0] += e;
    acc[1] += actual > 0 ? e / actual : 0;
  }

  private static String cell(Result r) {
    return String.format(Locale.ROOT, "%+.2f %% (%+.2f %%)", r.carbonChangePercent(), r.timeChangePercent());
  }

  private static String frac(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String pct(double value) {
    return (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value)) + " %";
  }
}
