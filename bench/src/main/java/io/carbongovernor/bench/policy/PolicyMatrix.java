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
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import io.carbongovernor.policy.HistoryForecaster;
import io.carbongovernor.policy.sim.Contender;
import io.carbongovernor.policy.sim.Contenders;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Frontier;
import io.carbongovernor.policy.sim.Result;
import io.carbongovernor.policy.sim.Simulator;
import io.carbongovernor.policy.sim.TeamBound;
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
  /** How far the perfect forecast reaches: forecast's default horizon. */
  static final Duration FORESIGHT = ForecastSettings.DEFAULT_HORIZON;
  /** A team's budget held over a year and a day of history, the longest window. */
  static final Duration YEAR = ForecastSettings.MAX_WINDOW;

  /** One way to run forecast at a budget. */
  record Variant(BudgetScope scope, Duration window) {
    static final Variant JOB = new Variant(BudgetScope.JOB, ForecastSettings.DEFAULT_WINDOW);
    static final Variant TEAM = new Variant(BudgetScope.TEAM, ForecastSettings.DEFAULT_WINDOW);
    static final Variant TEAM_YEAR = new Variant(BudgetScope.TEAM, YEAR);
    static final List<Variant> ALL = List.of(JOB, TEAM, TEAM_YEAR);
  }

  /** The per-job oracle's budgets whose schedules the team oracle combines, percent. */
  static final double[] HULL_BUDGETS = {0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 12.5, 15, 20, 25, 30};

  /** How close in time (points) two runs must come around a point's time change to read between them. */
  static final double BRACKET = 0.02;
  /** The most runs spent on one point's time change. */
  static final int STEPS = 10;

  private PolicyMatrix() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: PolicyMatrix OUT.md TRACE...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    StringBuilder md = new StringBuilder();
    StringBuilder matrix = new StringBuilder();
    StringBuilder frontiers = new StringBuilder();
    StringBuilder chase = new StringBuilder();
    StringBuilder overTime = new StringBuilder();
    StringBuilder bounds = new StringBuilder();
    StringBuilder errors = new StringBuilder();
    long began = System.nanoTime();
    double worstFraction = Double.POSITIVE_INFINITY;
    double worstForeseen = Double.POSITIVE_INFINITY;
    double worstTeam = Double.POSITIVE_INFINITY;
    double teamOver = Double.NEGATIVE_INFINITY;
    double worstOfTeamOracle = Double.POSITIVE_INFINITY;
    String worstWhere = "";
    for (int t = 1; t < args.length; t++) {
      Path file = Path.of(args[t]);
      CarbonTrace trace = CarbonTrace.read(file);
      String name = file.getFileName().toString().replaceFirst("_hourly\\.csv$", "").replaceFirst("\\.csv$", "");
      errors.append(forecasterError(name, trace));
      for (String family : List.of("a40", "v100")) {
        Gpu gpu = gpu(family);
        for (String[] w : WORKLOADS) {
          PowerProfile profile = ZeusProfiles.bundled(family).profile(w[0], Integer.parseInt(w[1]));
          Simulator sim = Simulator.create(trace, gpu, profile);
          double epochs = dayOfWork(sim);
          List<Instant> starts = dailyStarts(sim, epochs);
          Experiment ex = Experiment.of(sim, starts, epochs);
          String where = name + " | " + family.toUpperCase(Locale.ROOT) + " | " + w[0] + " bs " + w[1];
          System.err.println("simulating " + where.replace(" | ", ", ") + ": " + starts.size() + " jobs");

          Experiment foreseen = Experiment.of(sim.withPerfectForecast(FORESIGHT), starts, epochs);
          List<Result> statics = sweep(ex, Contenders.sweep("static", sim.options()));
          List<Result> chases = sweep(ex, Contenders.sweep("chase", sim.options()));
          List<Result> jobs = sweep(ex, Contenders.sweep("forecast", sim.options(), BudgetScope.JOB));
          List<Result> teams = sweep(ex, Contenders.sweep("forecast", sim.options(), BudgetScope.TEAM));
          List<Result> yearTeams = sweep(ex, Contenders.sweep("forecast", sim.options(), BudgetScope.TEAM, YEAR));
          Result chaseDefault = ex.measure(Contenders.chase(ChaseSettings.DEFAULTS), true);
          List<Result> teamOracle = ex.teamOracle(HULL_BUDGETS);
          for (double b : BUDGETS) {
            Result f = ex.measure(Contenders.forecast(b), true);
            Result fp = foreseen.measure(Contenders.forecast(b), true);
            Result team = ex.measure(Contenders.forecast(b, BudgetScope.TEAM), true);
            Result o = ex.measure(Contenders.oracle(b), false);
            Result bestStatic = bestWithin(statics, b);
            Result bestChase = bestWithin(chases, b);
            if (f.oracleFraction() < worstFraction) {
              worstFraction = f.oracleFraction();
              worstWhere = where + " | " + pct(b);
            }
            worstForeseen = Math.min(worstForeseen, fp.oracleFraction());
            worstTeam = Math.min(worstTeam, team.oracleFraction());
            double ofTeamOracle = team.carbonChangePercent() / Frontier.carbonAt(teamOracle, team.timeChangePercent());
            worstOfTeamOracle = Math.min(worstOfTeamOracle, ofTeamOracle);
            teamOver = Math.max(teamOver, team.timeChangePercent() - b);
            matrix.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                where, pct(b), cell(f), frac(f.oracleFraction()), frac(fp.oracleFraction()), cell(o),
                cell(team), frac(team.oracleFraction()), frac(ofTeamOracle),
                cell(bestChase) + " " + bestChase.contender().knob(),
                cell(bestStatic) + " " + bestStatic.contender().knob(),
                cell(chaseDefault)));
          }
          List<Result> all = new ArrayList<>(jobs);
          all.addAll(teams);
          all.addAll(yearTeams);
          Map<String, Result> exact = new HashMap<>();
          String[] aboveOracle = aboveTeamOracle(ex, teamOracle, all, chases, exact);
          frontiers.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", where,
              margin(ex, all, chases, exact, Variant.ALL), margin(ex, all, statics, exact, Variant.ALL),
              margin(ex, teams, chases, exact, List.of(Variant.TEAM)),
              margin(ex, yearTeams, chases, exact, List.of(Variant.TEAM_YEAR)),
              margin(ex, jobs, chases, exact, List.of(Variant.JOB)),
              margin(ex, jobs, statics, exact, List.of(Variant.JOB)), aboveOracle[0], aboveOracle[1]));
          bounds.append(againstBound(ex, where, all, chases, exact, bound(ex, gpu)));
          overTime.append(overTime(ex, where, chases));
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
    // The script that runs this fills {{header}} with the command, commit, times and load.
    md.append("{{header}}\n\n");
    md.append(String.format(Locale.ROOT, "Ran in %.1f min. Its figures are simulated outcomes, not timings: the load "
        + "changes how long it takes, never what it reports.%n%n", minutes));
    md.append("""
        Each cell replays one job a day on the trace, from 8 days in (so the history forecasters
        have a week behind them) to the last day a job fits; each job does the epochs that take
        24 h at full speed (the GPU's maximum limit) and runs without pause. Policies decide once
        per hourly slot from what they could know then: the current hour's intensity, the hours
        before it (as far back as the policy reads: 2 days for Chase's one-step model, 8 for the
        history forecaster, a team's window for its price of time) and the job's progress, no forecast (the traces have none; `forecast`
        forecasts from history, Chase uses its one-step model only when the current hour is
        unknown). The oracle knows the whole trace. Carbon and time are changes against full
        speed over all jobs; `x (y)` reads carbon change x at time change y.

        - **forecast (job)**: `forecast` with `budget-scope: job`, every job within the budget.
        - **job / oracle**: the share of the oracle's reduction that it reaches at equal slowdown
          (per job, the oracle gets that job's own finish time as its deadline).
        - **same, perfect forecast**: the same share when `forecast` is also given the trace's
          true next 48 hours as its forecast: what the planner loses, apart from forecast error.
        - **oracle @ budget**: the oracle with the same per-job budget.
        - **forecast (team)**: `forecast` with `budget-scope: team`: the budget holds on average
          over the jobs, time priced so that it would have spent the budget over the 7 days
          seen, and never below the price that would have spent it over the year seen; **team / oracle** as above, per job at that job's own slowdown; **team / team
          oracle**: its reduction over the team oracle's at the same total time (the least
          carbon the jobs together reach with the whole trace known; see Frontiers), a stricter
          measure, since the team oracle also chooses which jobs run slower.
        - **best chase / best static within budget**: the eta (0 to 1 by 0.1) or cap (each
          measured limit) with the least carbon whose time change stays within the budget,
          chosen knowing the year's outcome.
        - **chase (eta 0.5)**: Chase's defaults (P_ref the maximum limit, CI_ref 750).

        """);
    md.append(String.format(Locale.ROOT,
        "Lowest job/oracle share in the matrix: **%s** (%s); with a perfect forecast: **%s**. "
            + "Lowest team/oracle share: **%s**, of the team oracle: **%s**; a team's time change exceeds its budget by at most %.2f points.%n%n",
        frac(worstFraction), worstWhere, frac(worstForeseen), frac(worstTeam), frac(worstOfTeamOracle), teamOver));
    md.append("| trace | GPU | workload | budget | forecast (job) | job / oracle | same, perfect forecast "
        + "| oracle @ budget | forecast (team) | team / oracle | team / team oracle "
        + "| best chase within budget | best static within budget | chase (eta 0.5) |\n");
    md.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    md.append(matrix);
    md.append("""

        ## Frontiers

        The largest gap, in percentage points of carbon change, between `forecast`'s carbon/time
        frontier and any point of Chase's eta sweep (0 to 1 by 0.1) or of the static caps, at
        that point's time change t. `forecast`'s frontier covers its knobs: the budget, its scope
        and, for a team, the window it holds the budget over (the default 7 days, or a year and
        a day: in the simulation, all of the trace before the decision). At t it is the best of
        its budget sweeps' frontier there (0.25 to 30 %, linear between points) and `forecast` at
        time change t itself, read between two runs whose budgets were searched (at most 10 runs)
        until their time changes bracket t within 0.02 points (or the slowest run within t). Zero
        or below: `forecast`'s frontier is at or below that point. The next columns hold
        `forecast` to one variant. The last two measure against the **team oracle**: the least
        carbon the same jobs reach together for each total time with the whole trace known, each
        job taking the oracle's schedule at one of 0.25 to 30 % (or full speed), combined as the
        lower convex hull of the sums; how far above it Chase's points lie, and `forecast` (all its
        knobs) at the same time changes, the largest over Chase's sweep.

        | trace | GPU | workload | forecast minus chase, worst point | forecast minus static, worst point | team (7 d) minus chase | team (year) minus chase | per-job minus chase | per-job minus static | chase minus team oracle | forecast minus team oracle |
        |---|---|---|---|---|---|---|---|---|---|---|
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

        ## The least carbon possible

        How much room Chase's points leave, measured against a lower bound on what the same jobs
        can emit in the same total time whatever schedules they take, knowing the whole year:
        for a price of time p, each job's least grams plus p times its hours (the oracle priced,
        exact over the measured limits), summed, less p times the total hours (a Lagrangian
        bound; it is reached where the priced schedules take the jobs, and between those points
        lies at or below the lower convex hull of every schedule's totals). Prices: Chase's own
        at eta 0.05 to 1 by 0.05, (1 - eta) / eta x P_ref x CI_ref, and 0.1 to 0.7 of eta
        0.95's. At the Chase point where `forecast`'s frontier (all its knobs, as in Frontiers)
        is furthest above Chase: that gap, how far Chase lies above the bound there, and
        `forecast`; then Chase's largest distance from the bound over its sweep. Where Chase
        lies within a few hundredths of a point of the bound, being at or below it takes a
        policy that does nearly as well as one that knows the year.

        | trace | GPU | workload | worst point | forecast minus chase | chase minus bound | forecast minus bound | chase minus bound, largest |
        |---|---|---|---|---|---|---|---|
        """);
    md.append(bounds);
    md.append(String.format(Locale.ROOT, """

        ## Budgets over time

        The frontiers above compare totals over the year. Chase has no budget: its slowdown
        follows the grid, more in dirty seasons. A team's price is set from the window behind it
        (by default a week, its price floored at the year's), so the budget holds over the year
        but a stretch whose days are dirtier than those before it overspends. Here Chase at the eta whose year's time change
        is nearest %s, and `forecast` at a %s budget per job, per team over 7 days and per team
        over a year and a day: each as the year's time change / the worst %d consecutive daily
        jobs' (8 weeks).

        | trace | GPU | workload | chase | forecast (job) | forecast (team, 7 d) | forecast (team, year) |
        |---|---|---|---|---|---|---|
        """, pct(OVER_TIME_BUDGET), pct(OVER_TIME_BUDGET), STRETCH));
    md.append(overTime);
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

  /** The budget (percent) of the budgets-over-time table. */
  static final double OVER_TIME_BUDGET = 5;
  /** Consecutive daily jobs in a stretch: 8 weeks, over which the goals hold a budget. */
  static final int STRETCH = 56;

  /** One row of the budgets-over-time table. */
  private static String overTime(Experiment ex, String where, List<Result> chases) {
    Result nearest = chases.get(0);
    for (Result r : chases) {
      if (Math.abs(r.timeChangePercent() - OVER_TIME_BUDGET) < Math.abs(nearest.timeChangePercent() - OVER_TIME_BUDGET)) {
        nearest = r;
      }
    }
    List<Contender> forecasts = List.of(
        Contenders.forecast(OVER_TIME_BUDGET),
        Contenders.forecast(OVER_TIME_BUDGET, BudgetScope.TEAM),
        Contenders.forecast(OVER_TIME_BUDGET, BudgetScope.TEAM, YEAR));
    StringBuilder row = new StringBuilder("| " + where + " | " + stretches(ex, nearest.contender()) + " "
        + nearest.contender().knob() + " |");
    for (Contender c : forecasts) {
      row.append(' ').append(stretches(ex, c)).append(" |");
    }
    return row.append('\n').toString();
  }

  private static String stretches(Experiment ex, Contender c) {
    int stretch = Math.min(STRETCH, ex.starts().size());
    return String.format(Locale.ROOT, "%+.2f %% / %+.2f %%", ex.measure(c, false).timeChangePercent(),
        ex.worstStretchTimeChangePercent(c, stretch));
  }

  /**
   * The lower bound at Chase's prices of time for eta 0.05 to 1 by 0.05, with Chase's defaults,
   * and five more between eta 0.95's and zero, where the slowest points lie far apart.
   */
  static TeamBound bound(Experiment ex, Gpu gpu) {
    double perHour = gpu.constraints().max().watts() * ChaseSettings.DEFAULTS.referenceIntensity().gramsPerKwh() / 1000;
    List<Double> prices = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      double eta = 0.05 * i;
      prices.add(Math.max(0, (1 - eta) / eta * perHour));
    }
    for (double share : new double[] {0.1, 0.2, 0.35, 0.5, 0.7}) {
      prices.add(share * prices.get(18));
    }
    return ex.teamBound(prices.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * At the Chase point where forecast's frontier is furthest above it: that gap, Chase's and
   * forecast's distance from the bound there, and Chase's largest distance over its sweep.
   */
  private static String againstBound(Experiment ex, String where, List<Result> forecast, List<Result> chases,
      Map<String, Result> runs, TeamBound bound) {
    List<Result> frontier = Frontier.of(forecast);
    Result worst = null;
    double worstGap = Double.NEGATIVE_INFINITY;
    double worstBest = 0;
    double chaseLargest = Double.NEGATIVE_INFINITY;
    String largestAt = "";
    for (Result p : chases) {
      double best = bestAt(ex, frontier, p, runs, Variant.ALL);
      if (best - p.carbonChangePercent() > worstGap) {
        worstGap = best - p.carbonChangePercent();
        worstBest = best;
        worst = p;
      }
      double above = p.carbonChangePercent() - bound.carbonChangePercentAt(p.timeChangePercent());
      if (above > chaseLargest) {
        chaseLargest = above;
        largestAt = p.contender().knob();
      }
    }
    double floor = bound.carbonChangePercentAt(worst.timeChangePercent());
    return String.format(Locale.ROOT, "| %s | %s (%+.2f %%) | %+.3f pp | %+.3f pp | %+.3f pp | %+.3f pp (%s) |%n", where,
        worst.contender().knob(), worst.timeChangePercent(), worstGap, worst.carbonChangePercent() - floor,
        worstBest - floor, chaseLargest, largestAt);
  }

  /** A simulated GPU of the family whose Zeus profile is bundled: A40 (100-300 W) or V100 (100-250 W). */
  static Gpu gpu(String family) {
    PowerConstraints limits = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(family.equals("a40") ? 300 : 250));
    return new Gpu(0, "SIM", family, limits, limits.max());
  }

  /** The epochs that take 24 h at full speed. */
  static double dayOfWork(Simulator sim) {
    return Math.ceil(Duration.ofHours(24).toSeconds() / sim.fullSpeedSeconds(1));
  }

  /** A job a day from {@link #WARM_UP} in, to the last day a job fits. */
  static List<Instant> dailyStarts(Simulator sim, double epochs) {
    return Experiment.starts(sim, sim.traceStart().plus(WARM_UP), Duration.ofDays(1),
        Duration.between(sim.traceStart(), sim.traceEnd()), epochs);
  }

  static List<Result> sweep(Experiment ex, List<Contender> contenders) {
    List<Result> results = new ArrayList<>();
    for (Contender c : contenders) {
      results.add(ex.measure(c, false));
    }
    return results;
  }

  /** The least-carbon result whose time change is within the budget (full speed always is). */
  static Result bestWithin(List<Result> sweep, double budget) {
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
   * time change t, forecast's frontier is the best of its sweeps' frontier at t and forecast at
   * time change t itself, for each of {@code variants} (see {@link #atTime}).
   */
  static String margin(Experiment ex, List<Result> forecast, List<Result> other, Map<String, Result> runs,
      List<Variant> variants) {
    List<Result> frontier = Frontier.of(forecast);
    double worst = Double.NEGATIVE_INFINITY;
    String at = "";
    for (Result p : other) {
      double gap = bestAt(ex, frontier, p, runs, variants) - p.carbonChangePercent();
      if (gap > worst) {
        worst = gap;
        at = p.contender().knob();
      }
    }
    return String.format(Locale.ROOT, "%+.2f pp (%s)", worst, at);
  }

  /**
   * Forecast's best carbon change at point p's time change t: its sweeps' frontier there, and
   * forecast at t itself for each of {@code variants} (see {@link #atTime}) unless the sweeps
   * already reach p.
   */
  private static double bestAt(Experiment ex, List<Result> frontier, Result p, Map<String, Result> runs,
      List<Variant> variants) {
    double t = p.timeChangePercent();
    double best = Frontier.carbonAt(frontier, t);
    if (t > 0 && best > p.carbonChangePercent()) {
      for (Variant v : variants) {
        best = Math.min(best, atTime(ex, v, t, runs));
      }
    }
    return best;
  }

  /**
   * How far above the team oracle's hull Chase's points lie, and forecast's frontier at the same
   * time changes: the largest of each over Chase's sweep.
   */
  private static String[] aboveTeamOracle(Experiment ex, List<Result> hull, List<Result> forecast,
      List<Result> chases, Map<String, Result> runs) {
    List<Result> frontier = Frontier.of(forecast);
    double chaseWorst = Double.NEGATIVE_INFINITY;
    double forecastWorst = Double.NEGATIVE_INFINITY;
    String chaseAt = "";
    String forecastAt = "";
    for (Result p : chases) {
      double bound = Frontier.carbonAt(hull, p.timeChangePercent());
      if (p.carbonChangePercent() - bound > chaseWorst) {
        chaseWorst = p.carbonChangePercent() - bound;
        chaseAt = p.contender().knob();
      }
      double f = bestAt(ex, frontier, p, runs, Variant.ALL) - bound;
      if (f > forecastWorst) {
        forecastWorst = f;
        forecastAt = p.contender().knob();
      }
    }
    return new String[] {
      String.format(Locale.ROOT, "%+.2f pp (%s)", chaseWorst, chaseAt),
      String.format(Locale.ROOT, "%+.2f pp (%s)", forecastWorst, forecastAt)
    };
  }

  /**
   * Forecast's carbon change at time change t, read linearly between two runs whose time changes
   * bracket t within {@link #BRACKET} points: running some of the jobs under one and the rest
   * under the other reaches any point of that chord. The bracket starts from budgets 10 % either
   * side of t, widens until it holds t and then narrows by interpolation, at most {@link #STEPS}
   * runs in all. Without a bracket, the slowest run within t (more time never costs carbon), else
   * infinity.
   */
  private static double atTime(Experiment ex, Variant variant, double t, Map<String, Result> runs) {
    int[] used = {0};
    java.util.function.DoubleFunction<Result> run = b -> {
      used[0]++;
      return runs.computeIfAbsent(variant + "@" + b,
          k -> ex.measure(Contenders.forecast(b, variant.scope(), variant.window()), false));
    };
    Result lo = run.apply(t * 0.9);
    Result hi = run.apply(Math.min(1000, t * 1.1));
    while (lo.timeChangePercent() > t && used[0] < STEPS) {
      lo = run.apply(lo.contender().knobValue() * 0.7);
    }
    while (hi.timeChangePercent() < t && hi.contender().knobValue() < 1000 && used[0] < STEPS) {
      hi = run.apply(Math.min(1000, hi.contender().knobValue() * 1.4));
    }
    boolean bracketed = lo.timeChangePercent() <= t && hi.timeChangePercent() >= t;
    while (bracketed && hi.timeChangePercent() - lo.timeChangePercent() > BRACKET && used[0] < STEPS) {
      double w = (t - lo.timeChangePercent()) / (hi.timeChangePercent() - lo.timeChangePercent());
      double b = lo.contender().knobValue() + w * (hi.contender().knobValue() - lo.contender().knobValue());
      Result mid = run.apply(b);
      if (mid.timeChangePercent() <= t) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    if (bracketed) {
      double span = hi.timeChangePercent() - lo.timeChangePercent();
      if (span <= 1e-12) {
        return Math.min(lo.carbonChangePercent(), hi.carbonChangePercent());
      }
      double w = (t - lo.timeChangePercent()) / span;
      return lo.carbonChangePercent() + w * (hi.carbonChangePercent() - lo.carbonChangePercent());
    }
    return lo.timeChangePercent() <= t ? lo.carbonChangePercent() : Double.POSITIVE_INFINITY;
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

  static String cell(Result r) {
    return String.format(Locale.ROOT, "%+.2f %% (%+.2f %%)", r.carbonChangePercent(), r.timeChangePercent());
  }

  static String frac(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value);
  }

  static String pct(double value) {
    return (value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value)) + " %";
  }
}
