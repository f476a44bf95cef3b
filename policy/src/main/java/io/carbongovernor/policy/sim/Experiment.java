package io.carbongovernor.policy.sim;

import io.carbongovernor.policy.Policies;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A set of equal jobs replayed on one simulator, each contender measured against full speed and
 * against the oracle at equal slowdown: for every job, the oracle gets the contender's own finish
 * time for that job as its deadline, so the fraction compares like with like.
 */
public final class Experiment {

  private final Simulator simulator;
  private final List<Instant> starts;
  private final double epochs;
  private final List<JobOutcome> fullSpeed;
  private final Totals fullTotals;
  private final Map<Long, Double> oracleGrams = new HashMap<>();

  private Experiment(Simulator simulator, List<Instant> starts, double epochs) {
    this.simulator = simulator;
    this.starts = List.copyOf(starts);
    this.epochs = epochs;
    List<JobOutcome> full = new ArrayList<>();
    for (Instant s : this.starts) {
      full.add(simulator.run(Policies.fullSpeed(), s, epochs));
    }
    this.fullSpeed = full;
    this.fullTotals = Totals.of(full);
  }

  /**
   * @param starts the jobs' start times, at least one
   * @param epochs the work of each job
   */
  public static Experiment of(Simulator simulator, List<Instant> starts, double epochs) {
    Objects.requireNonNull(simulator, "simulator");
    if (starts.isEmpty()) {
      throw new IllegalArgumentException("no job to simulate");
    }
    if (!(epochs > 0) || Double.isInfinite(epochs)) {
      throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    }
    return new Experiment(simulator, starts, epochs);
  }

  /**
   * Job starts every {@code every} from {@code first} while a job started then would end within
   * the trace even at the lowest limit, and before {@code first + span}.
   */
  public static List<Instant> starts(Simulator simulator, Instant first, Duration every, Duration span, double epochs) {
    double slowest = simulator.slowestSeconds(epochs);
    List<Instant> starts = new ArrayList<>();
    Instant stop = first.plus(span);
    for (Instant s = first; s.isBefore(stop); s = s.plus(every)) {
      if (s.plusSeconds((long) Math.ceil(slowest)).isAfter(simulator.traceEnd())) {
        break;
      }
      starts.add(s);
    }
    return starts;
  }

  public Simulator simulator() {
    return simulator;
  }

  public List<Instant> starts() {
    return starts;
  }

  public double epochs() {
    return epochs;
  }

  public Totals fullSpeed() {
    return fullTotals;
  }

  public Result measure(Contender contender) {
    return measure(contender, true);
  }

  /**
   * @param againstOracle whether to compute the oracle fraction (one oracle per job; the rest is
   *     cheap), else it is NaN
   */
  public Result measure(Contender contender, boolean againstOracle) {
    List<JobOutcome> outcomes = new ArrayList<>();
    double saved = 0;
    double possible = 0;
    for (int j = 0; j < starts.size(); j++) {
      JobOutcome full = fullSpeed.get(j);
      JobOutcome outcome = run(contender, j);
      // The oracle is held to its own budget; a policy's oracle to when the policy finished.
      Instant deadline = contender.isOracle() ? oracleDeadline(contender, j)
          : outcome.finish().isAfter(full.finish()) ? outcome.finish() : full.finish();
      outcomes.add(outcome);
      if (againstOracle) {
        saved += full.grams() - outcome.grams();
        possible += full.grams() - oracleGrams(j, deadline);
      }
    }
    Totals totals = Totals.of(outcomes);
    double fraction = possible > 1e-9 * fullTotals.grams() ? saved / possible : Double.NaN;
    return new Result(contender, totals, totals.carbonChangePercent(fullTotals),
        totals.timeChangePercent(fullTotals), fraction);
  }

  /** Job {@code j} under the contender: the policy's run, or the oracle within its budget. */
  private JobOutcome run(Contender contender, int j) {
    return contender.isOracle()
        ? simulator.oracle(starts.get(j), epochs, oracleDeadline(contender, j))
        : simulator.run(contender.policy().get(), starts.get(j), epochs);
  }

  private Instant oracleDeadline(Contender oracle, int j) {
    return starts.get(j).plusNanos(Math.round(simulator.fullSpeedSeconds(epochs) * (1 + oracle.oracleBudget()) * 1e9));
  }

  /**
   * The largest time change against full speed over any {@code stretch} consecutive jobs: how far
   * a contender strays from its average over, say, a team's budget window. With one job a day
   * and a stretch of 56, the worst eight weeks.
   *
   * @throws IllegalArgumentException when the stretch is not within [1, the number of jobs]
   */
  public double worstStretchTimeChangePercent(Contender contender, int stretch) {
    if (stretch < 1 || stretch > starts.size()) {
      throw new IllegalArgumentException("a stretch of " + stretch + " jobs, but there are " + starts.size());
    }
    double[] hours = new double[starts.size()];
    for (int j = 0; j < hours.length; j++) {
      hours[j] = run(contender, j).hours();
    }
    double worst = Double.NEGATIVE_INFINITY;
    double taken = 0;
    double full = 0;
    for (int j = 0; j < hours.length; j++) {
      taken += hours[j];
      full += fullSpeed.get(j).hours();
      if (j >= stretch) {
        taken -= hours[j - stretch];
        full -= fullSpeed.get(j - stretch).hours();
      }
      if (j >= stretch - 1) {
        worst = Math.max(worst, (taken - full) / full * 100);
      }
    }
    return worst;
  }

  /**
   * The lower bound on what these jobs can emit together for each total time, from the priced
   * oracle of every job at each of {@code gramsPerHour} (see {@link TeamBound}); the more prices,
   * and the nearer to where it is read, the tighter.
   */
  public TeamBound teamBound(double... gramsPerHour) {
    double[] prices = gramsPerHour.clone();
    Arrays.sort(prices);
    List<TeamBound.Line> lines = new ArrayList<>();
    for (double price : prices) {
      List<JobOutcome> outcomes = new ArrayList<>(starts.size());
      for (Instant start : starts) {
        outcomes.add(simulator.pricedOracle(start, epochs, price));
      }
      Totals reached = Totals.of(outcomes);
      lines.add(new TeamBound.Line(price, reached.grams() + price * reached.hours(), reached));
    }
    return new TeamBound(lines, fullTotals);
  }

  /**
   * The oracle for a team: the least carbon these jobs together reach for each total time, when
   * each job may take the oracle's schedule at any of {@code budgetsPercent} (or full speed), as
   * the lower convex hull of the sums; a point between two of its vertices is reached by running
   * some jobs one way and the rest the other. Every vertex is reached, so it lies at or above the
   * least carbon possible ({@link #teamBound}), by the budgets' spacing at most (a job's best at a
   * budget in between is not among the candidates).
   *
   * @return the hull's vertices by increasing time change, as results against full speed
   */
  public List<Result> teamOracle(double... budgetsPercent) {
    int n = starts.size();
    int k = budgetsPercent.length + 1;
    JobOutcome[][] outcomes = new JobOutcome[n][k];
    double[][] hours = new double[n][k];
    double[][] grams = new double[n][k];
    for (int j = 0; j < n; j++) {
      outcomes[j][0] = fullSpeed.get(j);
      for (int b = 0; b < budgetsPercent.length; b++) {
        Instant start = starts.get(j);
        Instant deadline =
            start.plusNanos(Math.round(simulator.fullSpeedSeconds(epochs) * (1 + budgetsPercent[b] / 100) * 1e9));
        outcomes[j][b + 1] = simulator.oracle(start, epochs, deadline);
      }
      for (int c = 0; c < k; c++) {
        hours[j][c] = outcomes[j][c].hours();
        grams[j][c] = outcomes[j][c].grams();
      }
    }
    List<Result> hull = new ArrayList<>();
    int index = 0;
    for (int[] vertex : TeamHull.vertices(hours, grams)) {
      List<JobOutcome> chosen = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        chosen.add(outcomes[j][vertex[j]]);
      }
      Totals totals = Totals.of(chosen);
      Contender team = new Contender("oracle", "team", Optional.empty(), Double.NaN, index++);
      hull.add(new Result(team, totals, totals.carbonChangePercent(fullTotals), totals.timeChangePercent(fullTotals),
          Double.NaN));
    }
    return hull;
  }

  private double oracleGrams(int job, Instant deadline) {
    // Deadlines a millisecond apart give the same answer to far better than reporting precision.
    long key = ((long) job << 40) ^ (deadline.toEpochMilli() - starts.get(job).toEpochMilli());
    return oracleGrams.computeIfAbsent(key, k -> simulator.oracle(starts.get(job), epochs, deadline).grams());
  }

  /** {@code 2.5}, {@code 5}: a percentage without needless decimals. */
  static String percent(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
  }
}
