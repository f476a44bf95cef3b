package io.carbongovernor.bench.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import io.carbongovernor.policy.batch.Emissions;
import io.carbongovernor.policy.batch.JobSpec;
import io.carbongovernor.policy.batch.RunOutcome;
import io.carbongovernor.policy.batch.RunProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Zeus's {@code Simulator.simulate_one_job}, with our advisor in the loop: each recurrence runs
 * the job until one run reaches the target (at most 20 tries); each run samples one training path
 * (a run seed of {@code summary_train.csv}) uniformly and trains at one power limit, epoch by
 * epoch, with the energy and time per epoch of {@code summary_power_<gpu>.csv}. The job reports
 * progress ten times per epoch, and a strategy may stop it there. Every strategy sees the same
 * random draws (path and start hour) for the same recurrence and try.
 */
final class RecurrenceSimulator {

  static final int MAX_TRIES = 20;
  private static final int REPORTS_PER_EPOCH = 10;

  /** Totals over all recurrences; {@code feasible} false when some recurrence never reached. */
  record Totals(double kwh, double grams, double seconds, double cost, int runs, int stopped, boolean feasible,
      List<Integer> choices, List<Recurrence> recurrences) {}

  /** One recurrence, all its tries together, and the size its last try ran at. */
  record Recurrence(double kwh, double grams, double cost, int finalSize) {}

  private final Workload workload;
  private final JobSpec job;
  private final Map<Integer, List<OptionalInt>> paths;
  private final Map<Integer, PowerProfile> profiles;
  private final Power limit;
  private final Grid grid;

  RecurrenceSimulator(Workload workload, JobSpec job, Map<Integer, List<OptionalInt>> paths,
      Map<Integer, PowerProfile> profiles, Power limit, Grid grid) {
    this.workload = workload;
    this.job = job;
    this.paths = paths;
    this.profiles = profiles;
    this.limit = limit;
    this.grid = grid;
  }

  Totals simulate(Strategy strategy, int recurrences, long seed) {
    AdvisorState state = AdvisorState.empty();
    double kwh = 0;
    double grams = 0;
    double seconds = 0;
    double cost = 0;
    int runs = 0;
    int stopped = 0;
    boolean feasible = true;
    List<Integer> choices = new ArrayList<>();
    List<Recurrence> each = new ArrayList<>();
    for (int r = 0; r < recurrences; r++) {
      double kwhBefore = kwh;
      double gramsBefore = grams;
      double costBefore = cost;
      boolean reached = false;
      int hour = -1;
      double offset = 0;
      for (int t = 0; t < MAX_TRIES && !reached; t++) {
        SplittableRandom draw = new SplittableRandom(mix(seed, r, t));
        double pathDraw = draw.nextDouble();
        int drawnHour = draw.nextInt(grid.hours());
        if (hour < 0) {
          hour = drawnHour;
        }
        CarbonIntensity atStart = CarbonIntensity.gramsPerKwh(grid.intensityAt(hour, offset));
        int size = strategy.choose(state, job, atStart);
        choices.add(size);
        List<OptionalInt> runPaths = paths.get(size);
        OptionalInt target = runPaths.get((int) (pathDraw * runPaths.size()));
        Run run = run(strategy, state, size, target, hour, offset);
        state = BatchSizeAdvisor.zeus().observe(state, job, run.outcome);
        kwh += run.outcome.energy().kilowattHours();
        grams += run.outcome.emissions().grams();
        seconds += run.outcome.duration().toNanos() / 1e9;
        cost += run.outcome.costGrams(job.timeWeight());
        runs++;
        stopped += run.stopped ? 1 : 0;
        reached = run.outcome.reachedTarget();
        offset += run.outcome.duration().toNanos() / 1e9;
      }
      feasible &= reached;
      each.add(new Recurrence(kwh - kwhBefore, grams - gramsBefore, cost - costBefore, choices.get(choices.size() - 1)));
    }
    return new Totals(kwh, grams, seconds, cost, runs, stopped, feasible, choices, each);
  }

  private record Run(RunOutcome outcome, boolean stopped) {}

  private Run run(Strategy strategy, AdvisorState state, int size, OptionalInt target, int hour, double offset) {
    PowerProfile profile = profiles.get(size);
    double epochSeconds = profile.epochSecondsAt(limit);
    double epochJoules = profile.averagePowerAt(limit).watts() * epochSeconds;
    double sliceSeconds = epochSeconds / REPORTS_PER_EPOCH;
    double sliceJoules = epochJoules / REPORTS_PER_EPOCH;
    int reachesAt = target.isPresent() && target.getAsInt() <= workload.maxEpochs() ? target.getAsInt() : -1;
    double joules = 0;
    double grams = 0;
    double elapsed = 0;
    for (int epoch = 1; epoch <= workload.maxEpochs(); epoch++) {
      for (int slice = 1; slice <= REPORTS_PER_EPOCH; slice++) {
        double intensity = grid.intensityAt(hour, offset + elapsed + sliceSeconds / 2);
        elapsed += sliceSeconds;
        joules += sliceJoules;
        grams += sliceJoules / 3.6e6 * intensity;
        if (slice == REPORTS_PER_EPOCH && epoch == reachesAt) {
          return new Run(outcome(size, joules, elapsed, grams, true, epoch), false);
        }
        RunProgress progress = new RunProgress(size, Energy.ofJoules(joules), duration(elapsed), Emissions.ofGrams(grams));
        if (strategy.stop(state, job, progress)) {
          return new Run(outcome(size, joules, elapsed, grams, false, epoch), true);
        }
      }
    }
    return new Run(outcome(size, joules, elapsed, grams, false, workload.maxEpochs()), false);
  }

  private static RunOutcome outcome(int size, double joules, double seconds, double grams, boolean reached, int epochs) {
    return new RunOutcome(size, Energy.ofJoules(joules), duration(seconds), Emissions.ofGrams(grams), reached, epochs);
  }

  private static Duration duration(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  private static long mix(long seed, int recurrence, int attempt) {
    long z = seed * 0x9E3779B97F4A7C15L + recurrence * 0xBF58476D1CE4E5B9L + attempt * 0x94D049BB133111EBL;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
