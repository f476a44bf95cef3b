package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The policies beyond the tuning matrix: every trace given (the bundled 2023 grids and the 2022
 * ones in {@code bench/data}) x the A40 and V100 profiles as measured, with every other limit,
 * with three limits, and on a GPU whose range starts at two thirds of its maximum x three
 * workloads x budgets of 2.5, 5 and 10 %. Reports each goal's worst cell: {@code forecast} at its
 * default scope against the oracle at equal slowdown, against Chase's eta sweep at equal time
 * change and at budgets held over every 8-week stretch, and against the static caps. Usage:
 * {@code PolicyStress OUT.md COMMAND CELL-REGEX TRACE...} (cells whose "trace | GPU | workload"
 * matches the regex; {@code .} for all).
 */
public final class PolicyStress {

  /** Forecast's budgets, percent, swept for its frontier. */
  static final double[] SWEEP = {0.25, 0.5, 1, 2, 3, 4, 5, 7.5, 10, 15, 20, 30};

  /** The per-job scope's budgets, percent: its frontier is read between them, not bisected. */
  static final double[] JOB_SWEEP = {1, 2.5, 5, 10, 20};

  /** Budgets beyond {@link #SWEEP}, run where Chase's or a cap's time change reaches them. */
  static final double[] SLOW_SWEEP = {40, 50, 60, 75, 100};
  /** The team's budget window: {@code -DwindowDays=366} runs the matrix with {@code budget-window: 366d}. */
  static final Duration WINDOW = Duration.ofDays(Long.getLong("windowDays", ForecastSettings.DEFAULT_WINDOW.toDays()));
  /** The team's price floor's window: {@code -DfloorDays=56} runs the matrix without a floor. */
  static final Duration FLOOR =
      Duration.ofDays(Long.getLong("floorDays", ForecastSettings.DEFAULT_FLOOR_WINDOW.toDays()));
  /**
   * {@code -DwarmYear=true}: each trace a year earlier is the history before it, as a daemon that
   * ran through a year like it would hold it.
   */
  static final boolean WARM_YEAR = Boolean.getBoolean("warmYear");
  /**
   * How close in time (points) two runs must come around a point's time change: read between runs
   * 0.02 apart, a frontier that meets a cap at a bend read up to 0.03 points above it.
   */
  static final double BRACKET = 0.002;
  /** The most runs spent on one point. */
  static final int STEPS = 10;

  /** Goal 2: the most a frontier may lie above Chase's points, in points of carbon change. */
  static final double GOAL_CHASE = 0.15;

  /** Goal 1: the least share of the oracle's reduction at equal slowdown. */
  static final double GOAL_SHARE = 0.95;
  /**
   * A gap at or below this (points of carbon change) counts as at or below: the page reads to
   * 0.01, and a run that lands on a cap's time exactly repeats the cap with sums in another order.
   */
  static final double EVEN = 0.005;

  /** A GPU as the matrix varies it: its constraints and what is left of its measured profile. */
  record GpuVariant(String name, Gpu gpu, UnaryOperator<PowerProfile> profile) {}

  /** One (trace, GPU, workload) cell's numbers. */
  record Cell(String where, List<String> rows, int belowShare, int stretchOver, double worstShare,
      String worstShareAt, double worstJobShare, String worstJobShareAt, double jobChaseGap, double chaseGap,
      String chaseGapAt, double chaseGapAll, double stretchGap, String stretchGapAt, int teamStretchOver,
      double teamStretchGap, String teamStretchGapAt, double staticGap, String staticGapAt, String line) {}

  private PolicyStress() {}

  static List<GpuVariant> variants(String family) {
    Gpu gpu = PolicyMatrix.gpu(family);
    String up = family.toUpperCase(Locale.ROOT);
    double max = gpu.constraints().max().watts();
    Power narrowMin = Power.ofWatts(Math.ceil(max * 2 / 3 / 25) * 25);
    PowerConstraints narrow = new PowerConstraints(narrowMin, gpu.constraints().max());
    return List.of(
        new GpuVariant(up, gpu, p -> p),
        new GpuVariant(up + " every other limit", gpu, PolicyStress::everyOther),
        new GpuVariant(up + " three limits", gpu, PolicyStress::three),
        new GpuVariant(up + " " + (int) narrowMin.watts() + "-" + (int) max + " W",
            new Gpu(0, "SIM", family, narrow, narrow.max()), p -> p));
  }

  /** Every other measured limit, counted down from the highest. */
  static PowerProfile everyOther(PowerProfile p) {
    List<PowerProfile.Point> kept = new ArrayList<>();
    List<PowerProfile.Point> points = p.points();
    for (int i = points.size() - 1; i >= 0; i -= 2) {
      kept.add(points.get(i));
    }
    return PowerProfile.of(p.source() + " every other limit", kept);
  }

  /** The lowest, middle and highest measured limits. */
  static PowerProfile three(PowerProfile p) {
    List<PowerProfile.Point> points = p.points();
    return PowerProfile.of(p.source() + " three limits",
        List.of(points.get(0), points.get(points.size() / 2), points.get(points.size() - 1)));
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: PolicyStress OUT.md CELL-REGEX TRACE...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Pattern only = Pattern.compile(args[1]);
    int threads = Integer.getInteger("threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
    long began = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Cell>> cells = new ArrayList<>();
    for (int t = 2; t < args.length; t++) {
      Path file = Path.of(args[t]);
      CarbonTrace trace = CarbonTrace.read(file);
      String name = file.getFileName().toString().replaceFirst("_hourly\\.csv$", "").replaceFirst("\\.csv$", "");
      for (String family : List.of("a40", "v100")) {
        for (GpuVariant v : variants(family)) {
          for (String[] w : PolicyMatrix.WORKLOADS) {
            String where = name + " | " + v.name() + " | " + w[0] + " bs " + w[1];
            if (!only.matcher(where).find()) {
              continue;
            }
            PowerProfile profile = v.profile().apply(ZeusProfiles.bundled(family).profile(w[0], Integer.parseInt(w[1])));
            Simulator simulator = Simulator.create(trace, v.gpu(), profile);
            Simulator run = WARM_YEAR ? simulator.withHistory(SimulateYearBenchmark.yearEarlier(trace)) : simulator;
            cells.add(pool.submit(() -> cell(where, run)));
          }
        }
      }
    }
    List<Cell> done = new ArrayList<>();
    Files.createDirectories(out.toAbsolutePath().getParent());
    try {
      for (Future<Cell> f : cells) {
        Cell c = f.get();
        done.add(c);
        System.err.println(c.line());
        // Written after every cell: a run cut short still leaves what it measured, marked so.
        if (done.size() < cells.size()) {
          Files.writeString(out, report(done, ", cut short: " + done.size() + " of " + cells.size() + " cells",
              (System.nanoTime() - began) / 6e10, threads));
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double minutes = (System.nanoTime() - began) / 6e10;
    Files.writeString(out, report(done, "", minutes, threads));
    System.err.println("wrote " + out);
  }

  static Cell cell(String where, Simulator sim) {
    double epochs = PolicyMatrix.dayOfWork(sim);
    Experiment ex = Experiment.of(sim, PolicyMatrix.dailyStarts(sim, epochs), epochs);
    List<Result> statics = PolicyMatrix.sweep(ex, Contenders.sweep("static", sim.options()));
    List<Result> chases = PolicyMatrix.sweep(ex, Contenders.sweep("chase", sim.options()));
    List<Result> jobs = new ArrayList<>();
    List<Result> teams = new ArrayList<>();
    double slowest = 0;
    for (Result r : chases) {
      slowest = Math.max(slowest, r.timeChangePercent());
    }
    for (Result r : statics) {
      slowest = Math.max(slowest, r.timeChangePercent());
    }
    for (double b : SWEEP) {
      teams.add(ex.measure(team(b), false));
    }
    for (double b : JOB_SWEEP) {
      jobs.add(ex.measure(Contenders.forecast(b), false));
    }
    // Slow points (a low cap, eta near 1) lie beyond 30 %: reach them with larger budgets.
    for (double b : SLOW_SWEEP) {
      if (b - SLOW_SWEEP[0] < slowest) {
        jobs.add(ex.measure(Contenders.forecast(b), false));
        teams.add(ex.measure(team(b), false));
      }
    }
    refine(ex, teams, statics, BudgetScope.TEAM);
    refine(ex, teams, chases, BudgetScope.TEAM);
    List<Result> jobFrontier = Frontier.of(jobs);
    List<Result> teamFrontier = Frontier.of(teams);
    int stretch = Math.min(PolicyMatrix.STRETCH, ex.starts().size());
    double[] chaseStretch = new double[chases.size()];
    for (int i = 0; i < chases.size(); i++) {
      chaseStretch[i] = ex.worstStretchTimeChangePercent(chases.get(i).contender(), stretch);
    }

    List<String> rows = new ArrayList<>();
    double worstShare = Double.POSITIVE_INFINITY;
    String worstShareAt = "";
    double stretchGap = Double.NEGATIVE_INFINITY;
    String stretchGapAt = "";
    double teamStretchGap = Double.NEGATIVE_INFINITY;
    String teamStretchGapAt = "";
    int teamStretchOver = 0;
    int belowShare = 0;
    int stretchOver = 0;
    double worstJobShare = Double.POSITIVE_INFINITY;
    String worstJobShareAt = "";
    for (double b : PolicyMatrix.BUDGETS) {
      Result team = ex.measure(team(b), true);
      Result f = ex.measure(Contenders.forecast(b), true);
      belowShare += team.oracleFraction() < GOAL_SHARE ? 1 : 0;
      if (!(team.oracleFraction() >= worstShare)) {
        worstShare = team.oracleFraction();
        worstShareAt = where + " | " + PolicyMatrix.pct(b);
      }
      if (!(f.oracleFraction() >= worstJobShare)) {
        worstJobShare = f.oracleFraction();
        worstJobShareAt = where + " | " + PolicyMatrix.pct(b);
      }
      // Chase held to the budget over every 8-week stretch: the least-carbon eta whose worst
      // stretch stays within it (eta 0, full speed, always does).
      Result heldChase = null;
      for (int i = 0; i < chases.size(); i++) {
        if (chaseStretch[i] <= b + 1e-9
            && (heldChase == null || chases.get(i).carbonChangePercent() < heldChase.carbonChangePercent())) {
          heldChase = chases.get(i);
        }
      }
      double held = f.carbonChangePercent() - heldChase.carbonChangePercent();
      stretchOver += held > EVEN ? 1 : 0;
      if (held > stretchGap) {
        stretchGap = held;
        stretchGapAt = where + " | " + PolicyMatrix.pct(b);
      }
      Result heldTeam = heldTeam(ex, b, stretch);
      double teamHeld = heldTeam.carbonChangePercent() - heldChase.carbonChangePercent();
      teamStretchOver += teamHeld > EVEN ? 1 : 0;
      if (teamHeld > teamStretchGap) {
        teamStretchGap = teamHeld;
        teamStretchGapAt = where + " | " + PolicyMatrix.pct(b);
      }
      Result bestStatic = PolicyMatrix.bestWithin(statics, b);
      rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s %s | %s %s | %s %s |%n", where, PolicyMatrix.pct(b), PolicyMatrix.cell(f),
          PolicyMatrix.frac(f.oracleFraction()), PolicyMatrix.cell(team), PolicyMatrix.frac(team.oracleFraction()),
          PolicyMatrix.cell(heldTeam), heldTeam.contender().knob(), PolicyMatrix.cell(heldChase), heldChase.contender().knob(),
          PolicyMatrix.cell(bestStatic), bestStatic.contender().knob()));
    }
    double[] chaseGap = gap(List.of(teamFrontier), chases);
    double[] chaseGapAll = gap(List.of(jobFrontier, teamFrontier), chases);
    double[] jobChaseGap = gap(List.of(jobFrontier), chases);
    double[] staticGap = gap(List.of(jobFrontier, teamFrontier), statics);
    String line = String.format(Locale.ROOT, "| %s | %+.2f (%s) | %+.2f | %+.2f | %+.2f (%s) | %s | %s |", where,
        chaseGap[0], chases.get((int) chaseGap[1]).contender().knob(), chaseGapAll[0], jobChaseGap[0], staticGap[0],
        statics.get((int) staticGap[1]).contender().knob(), PolicyMatrix.frac(worstShare), PolicyMatrix.frac(worstJobShare));
    return new Cell(where, rows, belowShare, stretchOver, worstShare, worstShareAt, worstJobShare, worstJobShareAt,
        jobChaseGap[0], chaseGap[0],
        where + " | " + chases.get((int) chaseGap[1]).contender().knob(), chaseGapAll[0], stretchGap, stretchGapAt,
        teamStretchOver, teamStretchGap, teamStretchGapAt, staticGap[0], where + " | " + statics.get((int) staticGap[1]).contender().knob(), line);
  }

  /** {@code forecast} at a team's budget of {@code percent} over {@link #WINDOW}. */
  static Contender team(double percent) {
    return Contenders.forecast(percent, BudgetScope.TEAM, WINDOW, FLOOR);
  }

  /**
   * The team's budget held over every stretch of {@code stretch} jobs, measured as Chase's is: the
   * largest budget (bisected, at most {@link #STEPS} runs) whose worst stretch's time change stays
   * within {@code budget}. A team's price is learned from the weeks before, so a stretch may run
   * over its budget; this is the budget a team would write to hold every stretch.
   */
  static Result heldTeam(Experiment ex, double budget, int stretch) {
    if (ex.worstStretchTimeChangePercent(team(budget), stretch) <= budget + 1e-9) {
      return ex.measure(team(budget), false);
    }
    double lo = 0;
    double hi = budget;
    for (int step = 0; step < STEPS; step++) {
      double mid = (lo + hi) / 2;
      if (ex.worstStretchTimeChangePercent(team(mid), stretch) <= budget + 1e-9) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return ex.measure(team(lo), false);
  }

  /**
   * Around every point the frontier read between budgets lies above, runs `forecast` at budgets
   * bisected until two runs bracket that point's time change within {@link #BRACKET} points (at
   * most {@link #STEPS} runs each), adding them to {@code runs}: each gap is then read between
   * runs close on either side, not across a bend. The frontier bends hardest at a measured limit,
   * where a static cap lies, so refining only the worst point leaves the next one read across
   * its bend: a gap of +0.64 that was +0.00 once bracketed.
   */
  static void refine(Experiment ex, List<Result> runs, List<Result> points, BudgetScope scope) {
    for (Result p : points) {
      if (Frontier.carbonAt(Frontier.of(runs), p.timeChangePercent()) - p.carbonChangePercent() > 0) {
        bracket(ex, runs, p.timeChangePercent(), scope);
      }
    }
  }

  /** Bisects the budget between the runs either side of time change {@code t}; see {@link #refine}. */
  static void bracket(Experiment ex, List<Result> runs, double t, BudgetScope scope) {
    double lo = 0;
    double hi = Double.NaN;
    double loTime = 0;
    double hiTime = Double.NaN;
    for (Result r : runs) {
      double b = r.contender().knobValue();
      if (r.timeChangePercent() <= t && b > lo) {
        lo = b;
        loTime = r.timeChangePercent();
      }
      if (r.timeChangePercent() >= t && (Double.isNaN(hi) || b < hi)) {
        hi = b;
        hiTime = r.timeChangePercent();
      }
    }
    if (Double.isNaN(hi)) {
      return;
    }
    for (int step = 0; step < STEPS && hiTime - loTime > BRACKET; step++) {
      double mid = (lo + hi) / 2;
      Result r = ex.measure(scope == BudgetScope.TEAM ? team(mid) : Contenders.forecast(mid, scope), false);
      runs.add(r);
      if (r.timeChangePercent() <= t) {
        lo = mid;
        loTime = r.timeChangePercent();
      } else {
        hi = mid;
        hiTime = r.timeChangePercent();
      }
    }
  }

  /**
   * The largest gap of the best of the frontiers over the points, in points of carbon change at
   * each point's time change, with the index of the point where it lies. Each frontier is read
   * on its own, linear between its budgets (a little high where it bends, never low): a staircase
   * through two families' points would read between a fast point of one and a slow one of the other.
   */
  static double[] gap(List<List<Result>> frontiers, List<Result> points) {
    double worst = Double.NEGATIVE_INFINITY;
    int at = 0;
    for (int i = 0; i < points.size(); i++) {
      Result p = points.get(i);
      double best = Double.POSITIVE_INFINITY;
      for (List<Result> f : frontiers) {
        best = Math.min(best, Frontier.carbonAt(f, p.timeChangePercent()));
      }
      double g = best - p.carbonChangePercent();
      if (g > worst) {
        worst = g;
        at = i;
      }
    }
    return new double[] {worst, at};
  }

  /** The page; {@code progress} says when cells are missing (", cut short: 5 of 216 cells"), else "". */
  static String report(List<Cell> cells, String progress, double minutes, int threads) {
    Cell share = cells.get(0);
    Cell jobShare = cells.get(0);
    Cell chase = cells.get(0);
    Cell chaseAll = cells.get(0);
    Cell jobChase = cells.get(0);
    Cell stretch = cells.get(0);
    Cell teamStretch = cells.get(0);
    Cell statics = cells.get(0);
    int below = 0;
    int jobBelow = 0;
    int over = 0;
    int overAll = 0;
    int stretchOver = 0;
    int teamStretchOver = 0;
    int staticOver = 0;
    StringBuilder matrix = new StringBuilder();
    StringBuilder frontiers = new StringBuilder();
    for (Cell c : cells) {
      share = c.worstShare() < share.worstShare() ? c : share;
      jobShare = c.worstJobShare() < jobShare.worstJobShare() ? c : jobShare;
      chase = c.chaseGap() > chase.chaseGap() ? c : chase;
      chaseAll = c.chaseGapAll() > chaseAll.chaseGapAll() ? c : chaseAll;
      jobChase = c.jobChaseGap() > jobChase.jobChaseGap() ? c : jobChase;
      stretch = c.stretchGap() > stretch.stretchGap() ? c : stretch;
      statics = c.staticGap() > statics.staticGap() ? c : statics;
      below += c.belowShare();
      jobBelow += c.worstJobShare() < GOAL_SHARE ? 1 : 0;
      over += c.chaseGap() > GOAL_CHASE ? 1 : 0;
      overAll += c.chaseGapAll() > GOAL_CHASE ? 1 : 0;
      stretchOver += c.stretchOver();
      teamStretchOver += c.teamStretchOver();
      teamStretch = c.teamStretchGap() > teamStretch.teamStretchGap() ? c : teamStretch;
      staticOver += c.staticGap() > EVEN ? 1 : 0;
      c.rows().forEach(matrix::append);
      frontiers.append(c.line()).append('\n');
    }
    int budgetCells = cells.size() * PolicyMatrix.BUDGETS.length;
    StringBuilder md = new StringBuilder();
    md.append("# Policies beyond the tuning matrix\n\n");
    // The script that runs this fills {{header}} with the command, commit, times and load.
    md.append("{{header}}\n\n");
    md.append(String.format(Locale.ROOT, "Ran in %.1f min on %d thread%s%s. Its figures are simulated outcomes, not "
        + "timings: the load changes how long it takes, never what it reports.%n%n", minutes, threads, threads == 1 ? "" : "s", progress));
    if (!WINDOW.equals(ForecastSettings.DEFAULT_WINDOW)) {
      md.append(String.format(Locale.ROOT, "**Every team's budget here is held over %d days** (`budget-window: %dd`, run with "
          + "`-DwindowDays=%d`), not the default %d.%n%n", WINDOW.toDays(), WINDOW.toDays(), WINDOW.toDays(),
          ForecastSettings.DEFAULT_WINDOW.toDays()));
    }
    if (!FLOOR.equals(ForecastSettings.DEFAULT_FLOOR_WINDOW)) {
      md.append(String.format(Locale.ROOT, "**Every team's price of time here is floored over %d days** "
          + "(`price-floor-window: %dd`, run with `-DfloorDays=%d`; no floor where that is not longer than the "
          + "budget window), not the default %d.%n%n", FLOOR.toDays(), FLOOR.toDays(), FLOOR.toDays(),
          ForecastSettings.DEFAULT_FLOOR_WINDOW.toDays()));
    }
    if (WARM_YEAR) {
      md.append("""
          **Warm: each trace, moved 365 days earlier, is the history before it** (run with
          `-DwarmYear=true`), as a daemon that ran through a year like it would hold it: a team's
          price reads a whole year from the first job, where the cold run learns it from day 8 on.
          The year before is the same year, so this is the steady state at its most favourable
          (last year's seasons are this year's); `bench/results/steady-state.md` runs California
          with its real 2022 before it.

          """);
    }
    md.append("""
        The cells of `bench/results/policy-matrix.md` (one 24-hour job a day from day 8, policies
        deciding hourly from what they could know then) on grids and GPUs `forecast` was not tuned
        on: the 2022 grids in `bench/data/electricitymaps-2022/` beside the bundled 2023 ones, and
        each bundled profile as measured, with every other limit (counted down from the highest),
        with only its lowest, middle and highest limits, and on a GPU whose power range starts at
        two thirds of its maximum. `forecast`'s default scope is a team's budget over 7 days
        (`budget-scope: team`), its price of time never below the price over the last 366 days
        (`price-floor-window`); `budget-scope: job` holds each job to the budget.

        Goals:
        1. `forecast` at its default scope reaches at least 0.95 of the oracle's reduction at
           equal slowdown (per job, the oracle gets that job's own finish as its deadline), at
           budgets of 2.5, 5 and 10 %.
        2. At every point of Chase's eta sweep (0 to 1 by 0.1), `forecast`'s frontier is within
           0.15 points of Chase's carbon change at equal time change; and at a budget held over
           every 8-week stretch (56 consecutive daily jobs), `forecast` is at or below Chase at the
           eta with the least carbon whose worst stretch stays within that budget. `forecast` is
           held the same way: at its default scope, the team's budget whose worst stretch stays
           within it; with `budget-scope: job`, the budget itself (each job stays within it).
        3. `forecast`'s frontier (either scope) is at or below every static cap at equal time
           change.

        A frontier: `forecast`'s runs at its default scope at budgets of 0.25 to 30 % (more where
        Chase or a cap is slower), linear between them, and bisected (at most 10 more runs each)
        to within 0.002 points of time around every Chase point and cap it reads above; the
        per-job scope's at 1, 2.5, 5, 10 and 20 %, read between them only (a little high where it
        bends). Each scope is read on its own. A gap is `forecast` minus the other, in points of
        carbon change; at or below zero (+0.00 as shown, under 0.005), `forecast` is at or below it.

        """);
    md.append(String.format(Locale.ROOT, """
        | goal | cells missing it | worst cell | value |
        |---|---|---|---|
        | 1. team / oracle >= 0.95 | %d of %d | %s | %s |
        | 2. forecast (team) minus chase <= 0.15 | %d of %d | %s | %+.2f |
        | 2. forecast (either scope) minus chase <= 0.15 | %d of %d | %s | %+.2f |
        | 2. forecast (team) held to the budget over every 8 weeks minus chase held the same <= 0 | %d of %d | %s | %+.2f |
        | 2. forecast (job) minus chase held to the same budget over every 8 weeks <= 0 | %d of %d | %s | %+.2f |
        | 3. forecast minus static <= 0 | %d of %d | %s | %+.2f |

        With `budget-scope: job` (each job within the budget), the lowest job / oracle share is
        %s (%s; %d of %d cells have one below 0.95), and its frontier lies up to %+.2f points
        above Chase's sweep (%s): a per-job guarantee costs that much against a policy whose
        slowdown follows the grid from day to day.

        """, below, budgetCells, share.worstShareAt(), PolicyMatrix.frac(share.worstShare()),
        over, cells.size(), chase.chaseGapAt(), chase.chaseGap(),
        overAll, cells.size(), chaseAll.where(), chaseAll.chaseGapAll(),
        teamStretchOver, budgetCells, teamStretch.teamStretchGapAt(), teamStretch.teamStretchGap(),
        stretchOver, budgetCells, stretch.stretchGapAt(), stretch.stretchGap(),
        staticOver, cells.size(), statics.staticGapAt(), statics.staticGap(),
        PolicyMatrix.frac(jobShare.worstJobShare()), jobShare.worstJobShareAt(), jobBelow, cells.size(),
        jobChase.jobChaseGap(), jobChase.where()));
    md.append("""
        ## Cells

        `x (y)`: carbon change x at time change y against full speed over all jobs.
        **chase held to the budget**: the eta with the least carbon whose worst 8-week stretch's
        time change stays within the budget. **team held to the budget**: the team's budget
        (bisected) whose worst 8-week stretch's time change stays within the budget, the same
        test. **best static**: the cap with the least carbon whose
        year's time change stays within the budget.

        | trace | GPU | workload | budget | forecast (job) | job / oracle | forecast (team) | team / oracle | team held to the budget | chase held to the budget | best static within budget |
        |---|---|---|---|---|---|---|---|---|---|---|
        """);
    md.append(matrix);
    md.append("""

        ## Frontiers

        Per cell, the largest gap over Chase's points (and the eta where it lies) of `forecast`'s
        frontier at its default scope, of the better of both scopes, and of the per-job scope
        alone; the largest gap of either scope over the static caps; and the lowest share of the
        oracle of the three budgets, team and job.

        | trace | GPU | workload | team minus chase | either scope minus chase | job minus chase | forecast minus static | lowest team / oracle | lowest job / oracle |
        |---|---|---|---|---|---|---|---|---|
        """);
    md.append(frontiers);
    return md.toString();
  }
}
