package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
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
  static final double[] SWEEP = {0.25, 0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 12.5, 15, 20, 25, 30};

  /** Budgets beyond {@link #SWEEP}, run where Chase's or a cap's time change reaches them. */
  static final double[] SLOW_SWEEP = {40, 50, 60, 75, 100};
  /** How close in time (points) two runs must come around a point's time change. */
  static final double BRACKET = 0.1;
  /** The most runs spent on one point. */
  static final int STEPS = 7;

  /** Goal 1: the least share of the oracle's reduction at equal slowdown. */
  static final double GOAL_SHARE = 0.95;

  /** A GPU as the matrix varies it: its constraints and what is left of its measured profile. */
  record GpuVariant(String name, Gpu gpu, UnaryOperator<PowerProfile> profile) {}

  /** One (trace, GPU, workload) cell's numbers. */
  record Cell(String where, List<String> rows, int belowShare, int stretchOver, double worstShare,
      String worstShareAt, double chaseGap,
      String chaseGapAt, double chaseGapAll, double stretchGap, String stretchGapAt, double staticGap,
      String staticGapAt, String line) {}

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
    if (args.length < 4) {
      System.err.println("usage: PolicyStress OUT.md COMMAND CELL-REGEX TRACE...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    String command = args[1];
    Pattern only = Pattern.compile(args[2]);
    int threads = Integer.getInteger("threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
    long began = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Cell>> cells = new ArrayList<>();
    for (int t = 3; t < args.length; t++) {
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
            cells.add(pool.submit(() -> cell(where, Simulator.create(trace, v.gpu(), profile))));
          }
        }
      }
    }
    List<Cell> done = new ArrayList<>();
    try {
      for (Future<Cell> f : cells) {
        Cell c = f.get();
        done.add(c);
        System.err.println(c.line());
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double minutes = (System.nanoTime() - began) / 6e10;
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, report(done, command, minutes, threads));
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
      jobs.add(ex.measure(Contenders.forecast(b), false));
      teams.add(ex.measure(Contenders.forecast(b, BudgetScope.TEAM), false));
    }
    // Slow points (a low cap, eta near 1) lie beyond 30 %: reach them with larger budgets.
    for (double b : SLOW_SWEEP) {
      if (b - SLOW_SWEEP[0] < slowest) {
        jobs.add(ex.measure(Contenders.forecast(b), false));
        teams.add(ex.measure(Contenders.forecast(b, BudgetScope.TEAM), false));
      }
    }
    refine(ex, jobs, chases);
    refine(ex, jobs, statics);
    List<Result> jobFrontier = Frontier.of(jobs);
    List<Result> all = new ArrayList<>(jobs);
    all.addAll(teams);
    List<Result> allFrontier = Frontier.of(all);
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
    int belowShare = 0;
    int stretchOver = 0;
    for (double b : PolicyMatrix.BUDGETS) {
      Result f = ex.measure(Contenders.forecast(b), true);
      Result team = ex.measure(Contenders.forecast(b, BudgetScope.TEAM), true);
      belowShare += f.oracleFraction() < GOAL_SHARE ? 1 : 0;
      if (!(f.oracleFraction() >= worstShare)) {
        worstShare = f.oracleFraction();
        worstShareAt = where + " | " + pct(b);
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
      stretchOver += held > 1e-9 ? 1 : 0;
      if (held > stretchGap) {
        stretchGap = held;
        stretchGapAt = where + " | " + pct(b);
      }
      Result bestStatic = bestWithin(statics, b);
      rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s %s | %s %s |%n", where, pct(b), cell(f),
          frac(f.oracleFraction()), cell(team), frac(team.oracleFraction()),
          cell(heldChase), heldChase.contender().knob(), cell(bestStatic), bestStatic.contender().knob()));
    }
    double[] chaseGap = gap(jobFrontier, chases);
    double[] chaseGapAll = gap(allFrontier, chases);
    double[] staticGap = gap(jobFrontier, statics);
    String line = String.format(Locale.ROOT, "| %s | %+.2f (%s) | %+.2f | %+.2f (%s) | %s |", where, chaseGap[0],
        chases.get((int) chaseGap[1]).contender().knob(), chaseGapAll[0], staticGap[0],
        statics.get((int) staticGap[1]).contender().knob(), frac(worstShare));
    return new Cell(where, rows, belowShare, stretchOver, worstShare, worstShareAt, chaseGap[0],
        where + " | " + chases.get((int) chaseGap[1]).contender().knob(), chaseGapAll[0], stretchGap, stretchGapAt,
        staticGap[0], where + " | " + statics.get((int) staticGap[1]).contender().knob(), line);
  }

  /**
   * Where the frontier read between budgets lies above a point, runs `forecast` at budgets
   * bisected until two runs bracket the point's time change within {@link #BRACKET} points (at
   * most {@link #STEPS} runs), adding them to {@code runs}: the gap is then read between runs
   * close on either side, not across a bend.
   */
  static void refine(Experiment ex, List<Result> runs, List<Result> points) {
    for (Result p : points) {
      double t = p.timeChangePercent();
      if (Frontier.carbonAt(Frontier.of(runs), t) - p.carbonChangePercent() <= 0) {
        continue;
      }
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
        continue;
      }
      for (int step = 0; step < STEPS && hiTime - loTime > BRACKET; step++) {
        double mid = (lo + hi) / 2;
        Result r = ex.measure(Contenders.forecast(mid), false);
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
  }

  /**
   * The largest gap of the frontier over the points, in points of carbon change at each point's
   * time change, with the index of the point where it lies. Linear between the frontier's budgets,
   * which reads it a little high where it bends (it is convex), never low.
   */
  static double[] gap(List<Result> frontier, List<Result> points) {
    double worst = Double.NEGATIVE_INFINITY;
    int at = 0;
    for (int i = 0; i < points.size(); i++) {
      Result p = points.get(i);
      double g = Frontier.carbonAt(frontier, p.timeChangePercent()) - p.carbonChangePercent();
      if (g > worst) {
        worst = g;
        at = i;
      }
    }
    return new double[] {worst, at};
  }

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

  static String report(List<Cell> cells, String command, double minutes, int threads) {
    Cell share = cells.get(0);
    Cell chase = cells.get(0);
    Cell chaseAll = cells.get(0);
    Cell stretch = cells.get(0);
    Cell statics = cells.get(0);
    int below95 = 0;
    int over15 = 0;
    int stretchOver = 0;
    int staticOver = 0;
    StringBuilder matrix = new StringBuilder();
    StringBuilder frontiers = new StringBuilder();
    for (Cell c : cells) {
      share = c.worstShare() < share.worstShare() ? c : share;
      chase = c.chaseGap() > chase.chaseGap() ? c : chase;
      chaseAll = c.chaseGapAll() > chaseAll.chaseGapAll() ? c : chaseAll;
      stretch = c.stretchGap() > stretch.stretchGap() ? c : stretch;
      statics = c.staticGap() > statics.staticGap() ? c : statics;
      below95 += c.belowShare();
      over15 += c.chaseGap() > 0.15 ? 1 : 0;
      stretchOver += c.stretchOver();
      staticOver += c.staticGap() > 1e-9 ? 1 : 0;
      c.rows().forEach(matrix::append);
      frontiers.append(c.line()).append('\n');
    }
    StringBuilder md = new StringBuilder();
    md.append("# Policies beyond the tuning matrix\n\n");
    md.append(String.format(Locale.ROOT, "Produced by `%s` in %.1f min (%d threads).%n%n", command, minutes, threads));
    md.append("""
        The cells of `bench/results/policy-matrix.md` (one 24-hour job a day from day 8, policies
        deciding hourly from what they could know then) on grids and GPUs `forecast` was not tuned
        on: the 2022 grids in `bench/data/electricitymaps-2022/` beside the bundled 2023 ones, and
        each bundled profile as measured, with every other limit (counted down from the highest),
        with only its lowest, middle and highest limits, and on a GPU whose power range starts at
        two thirds of its maximum. `forecast` runs at its default scope (`budget-scope: job`).

        Goals:
        1. `forecast` reaches at least 0.95 of the oracle's reduction at equal slowdown (per job,
           the oracle gets that job's own finish as its deadline), at budgets of 2.5, 5 and 10 %.
        2. At every point of Chase's eta sweep (0 to 1 by 0.1), `forecast`'s frontier is within
           0.15 points of Chase's carbon change at equal time change; and at a budget held over
           every 8-week stretch (56 consecutive daily jobs), `forecast` is at or below Chase at the
           eta with the least carbon whose worst stretch stays within that budget.
        3. `forecast`'s frontier is at or below every static cap at equal time change.

        `forecast`'s frontier: its runs at budgets of 0.25 to 30 %, linear between them (which
        reads a bending frontier a little high, never low). A gap is `forecast` minus the other,
        in points of carbon change; at or below zero, `forecast` is at or below it.

        """);
    md.append(String.format(Locale.ROOT, """
        | goal | cells missing it | worst cell | value |
        |---|---|---|---|
        | 1. job / oracle >= 0.95 | %d of %d | %s | %s |
        | 2. forecast minus chase <= 0.15 | %d of %d | %s | %+.2f |
        | 2. forecast minus chase at budgets held over every 8 weeks <= 0 | %d of %d | %s | %+.2f |
        | 3. forecast minus static <= 0 | %d of %d | %s | %+.2f |

        With a team's budget among `forecast`'s knobs (`budget-scope: team`, 56 days), its largest
        gap over Chase is %+.2f points (%s).

        """, below95, cells.size() * PolicyMatrix.BUDGETS.length,
        share.worstShareAt(), frac(share.worstShare()),
        over15, cells.size(), chase.chaseGapAt(), chase.chaseGap(),
        stretchOver, cells.size() * PolicyMatrix.BUDGETS.length, stretch.stretchGapAt(), stretch.stretchGap(),
        staticOver, cells.size(), statics.staticGapAt(), statics.staticGap(),
        chaseAll.chaseGapAll(), chaseAll.where()));
    md.append("""
        ## Cells

        `x (y)`: carbon change x at time change y against full speed over all jobs.
        **chase held to the budget**: the eta with the least carbon whose worst 8-week stretch's
        time change stays within the budget. **best static**: the cap with the least carbon whose
        year's time change stays within the budget.

        | trace | GPU | workload | budget | forecast (job) | job / oracle | forecast (team) | team / oracle | chase held to the budget | best static within budget |
        |---|---|---|---|---|---|---|---|---|---|
        """);
    md.append(matrix);
    md.append("""

        ## Frontiers

        Per cell: the largest gap of `forecast`'s frontier (default scope) over Chase's points and
        the eta where it lies; the same with a team's budget among its knobs; over the static caps;
        and the lowest job / oracle share of the three budgets.

        | trace | GPU | workload | forecast minus chase, worst | with team knobs | forecast minus static, worst | lowest job / oracle |
        |---|---|---|---|---|---|---|
        """);
    md.append(frontiers);
    return md.toString();
  }

  static String cell(Result r) {
    return String.format(Locale.ROOT, "%+.2f %% (%+.2f %%)", r.carbonChangePercent(), r.timeChangePercent());
  }

  static String pct(double b) {
    return (b == Math.rint(b) ? String.valueOf((long) b) : String.valueOf(b)) + " %";
  }

  static String frac(double f) {
    return Double.isNaN(f) ? "n/a" : String.format(Locale.ROOT, "%.3f", f);
  }
}
