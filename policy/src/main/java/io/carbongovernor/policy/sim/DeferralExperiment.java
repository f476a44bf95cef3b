package io.carbongovernor.policy.sim;

import io.carbongovernor.policy.HistoryForecaster;
import io.carbongovernor.policy.defer.DeferSettings;
import io.carbongovernor.policy.defer.DeferredJob;
import io.carbongovernor.policy.defer.StartPlan;
import io.carbongovernor.policy.defer.StartPlanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Equal jobs that may each start any time before their deadline, replayed on one simulator. Each
 * job arrives, has {@code slack} beyond its full-speed time to finish, and waits in a queue that
 * looks once a slot: a deferring contender asks the {@link StartPlanner} each time, with what the
 * simulator knows then (the current slot, its forecast if any, the history), and starts the job
 * once the plan is due. All contenders are held to the same deadline; the joint oracle chooses
 * start and limits with perfect knowledge within the same deadline and the forecast budget.
 */
public final class DeferralExperiment {

  /** What the planner and the history forecaster read back. */
  private static final Duration HISTORY = Duration.ofDays(8);

  private final Simulator simulator;
  private final List<Instant> arrivals;
  private final double epochs;
  private final Duration slack;
  private final Duration margin;

  private DeferralExperiment(Simulator simulator, List<Instant> arrivals, double epochs, Duration slack,
      Duration margin) {
    this.simulator = simulator;
    this.arrivals = List.copyOf(arrivals);
    this.epochs = epochs;
    this.slack = slack;
    this.margin = margin;
  }

  /**
   * @param arrivals when each job arrives, at least one; each deadline within the trace
   * @param slack time beyond the full-speed run that each job may take to finish
   * @param margin the planner's safety margin before the latest start
   * @throws IllegalArgumentException when a job's deadline is past the trace's end
   */
  public static DeferralExperiment of(Simulator simulator, List<Instant> arrivals, double epochs, Duration slack,
      Duration margin) {
    Objects.requireNonNull(simulator, "simulator");
    if (arrivals.isEmpty()) {
      throw new IllegalArgumentException("no job to simulate");
    }
    if (!(epochs > 0) || Double.isInfinite(epochs)) {
      throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    }
    if (slack.isNegative()) {
      throw new IllegalArgumentException("slack must not be negative, got " + slack);
    }
    DeferralExperiment e = new DeferralExperiment(simulator, arrivals, epochs, slack, margin);
    for (Instant a : e.arrivals) {
      if (e.deadline(a).isAfter(simulator.traceEnd())) {
        throw new IllegalArgumentException("a job arriving at " + a + " has its deadline " + e.deadline(a)
            + " past the end of the trace at " + simulator.traceEnd());
      }
    }
    return e;
  }

  /** Arrivals every {@code every} from {@code first} within {@code span} whose deadline is within the trace. */
  public static List<Instant> arrivals(Simulator simulator, Instant first, Duration every, Duration span, double epochs,
      Duration slack) {
    List<Instant> out = new ArrayList<>();
    long window = (long) Math.ceil(simulator.fullSpeedSeconds(epochs)) + slack.toSeconds();
    for (Instant a = first; a.isBefore(first.plus(span)); a = a.plus(every)) {
      if (a.plusSeconds(window).isAfter(simulator.traceEnd())) {
        break;
      }
      out.add(a);
    }
    return out;
  }

  public Instant deadline(Instant arrival) {
    return arrival.plusNanos(Math.round(simulator.fullSpeedSeconds(epochs) * 1e9)).plus(slack);
  }

  public List<Instant> arrivals() {
    return arrivals;
  }

  public double epochs() {
    return epochs;
  }

  public Duration slack() {
    return slack;
  }

  /** Every contender, each measured against the first (run now) and the oracle at {@code oracle}'s budget. */
  public List<DeferResult> measure(List<DeferContender> contenders, DeferContender oracle) {
    List<List<JobOutcome>> runs = new ArrayList<>();
    for (DeferContender c : contenders) {
      runs.add(outcomes(c));
    }
    int now = contenders.indexOf(DeferContender.runNow());
    List<JobOutcome> baseline = now >= 0 ? runs.get(now) : outcomes(DeferContender.runNow());
    int at = contenders.indexOf(oracle);
    List<JobOutcome> best = at >= 0 ? runs.get(at) : outcomes(oracle);
    Totals base = Totals.of(baseline);
    double possible = base.grams() - Totals.of(best).grams();
    List<DeferResult> results = new ArrayList<>();
    for (int i = 0; i < contenders.size(); i++) {
      results.add(result(contenders.get(i), runs.get(i), base, possible));
    }
    return results;
  }

  private DeferResult result(DeferContender c, List<JobOutcome> outcomes, Totals base, double possible) {
    Totals totals = Totals.of(outcomes);
    DeferSettings settings = settings(c);
    double delay = 0;
    int late = 0;
    int missed = 0;
    for (int j = 0; j < arrivals.size(); j++) {
      Instant arrival = arrivals.get(j);
      JobOutcome o = outcomes.get(j);
      delay += Duration.between(arrival, o.start()).toNanos() / 3.6e12;
      Instant latest = latestStart(arrival, settings);
      // The oracle knows the future and needs no margin; only planned starts are bound by it.
      if (!c.isOracle() && o.start().isAfter(latest.isAfter(arrival) ? latest : arrival)) {
        late++;
      }
      if (o.finish().isAfter(deadline(arrival))) {
        missed++;
      }
    }
    double share = possible > 1e-9 * base.grams() ? (base.grams() - totals.grams()) / possible : Double.NaN;
    return new DeferResult(c, totals, totals.carbonChangePercent(base), share, delay / arrivals.size(), late, missed);
  }

  /** Each job under the contender. */
  public List<JobOutcome> outcomes(DeferContender c) {
    List<JobOutcome> out = new ArrayList<>(arrivals.size());
    for (Instant arrival : arrivals) {
      out.add(run(c, arrival));
    }
    return out;
  }

  private JobOutcome run(DeferContender c, Instant arrival) {
    double full = simulator.fullSpeedSeconds(epochs);
    if (c.isOracle()) {
      return simulator.jointOracle(arrival, epochs, deadline(arrival), full * (1 + c.slowdown()))
          .orElseThrow(() -> new IllegalStateException("no start finishes the job arriving at " + arrival));
    }
    Instant start = c.defers() ? plannedStart(c, arrival) : arrival;
    // A job that starts with less time left than its budget may only spend what is left.
    double left = Math.max(0, Duration.between(start, deadline(arrival)).toNanos() / 1e9 / full - 1);
    return simulator.run(c.policyAt(left), start, epochs);
  }

  /**
   * Where the queue starts the job: it looks at arrival and at each slot boundary after, asks the
   * planner with what it knows then, and starts once the plan is due.
   */
  public Instant plannedStart(DeferContender c, Instant arrival) {
    StartPlanner planner = new StartPlanner(settings(c), HistoryForecaster.DEFAULT);
    DeferredJob job = new DeferredJob(Duration.ofNanos(Math.round(simulator.fullSpeedSeconds(epochs) * 1e9)),
        deadline(arrival));
    Duration interval = simulator.slotLength();
    for (Instant now : simulator.startsFrom(arrival, deadline(arrival))) {
      StartPlan plan = planner.plan(now, job, simulator.knownAt(now), simulator.historyAt(now, HISTORY));
      if (plan.due(interval)) {
        return now;
      }
    }
    throw new IllegalStateException("the planner never started the job arriving at " + arrival);
  }

  private DeferSettings settings(DeferContender c) {
    return DeferSettings.DEFAULTS.withSlowdown(c.slowdown()).withMargin(margin);
  }

  private Instant latestStart(Instant arrival, DeferSettings settings) {
    return new DeferredJob(Duration.ofNanos(Math.round(simulator.fullSpeedSeconds(epochs) * 1e9)), deadline(arrival))
        .latestStart(settings);
  }

  /** The job's start, the oracle's included; for reports. */
  public Optional<JobOutcome> oracleOutcome(Instant arrival, double slowdown) {
    return simulator.jointOracle(arrival, epochs, deadline(arrival), simulator.fullSpeedSeconds(epochs) * (1 + slowdown));
  }
}
