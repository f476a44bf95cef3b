package io.carbongovernor.policy.sim;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.GpuState;
import io.carbongovernor.policy.JobProgress;
import io.carbongovernor.policy.LimitOptions;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PolicyInput;
import io.carbongovernor.policy.SignalHistory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays jobs on a carbon trace. A job does a fixed number of epochs of one workload on one GPU,
 * starts at its start time and runs without pause until done; at each slot (one tick per slot)
 * it runs at the limit the policy chose from what it could know then: the current slot's signal,
 * the slots before it (as far back as the policy reads, into {@link #withHistory} before the trace)
 * and the job's progress, but no forecast, since a trace has none (unless {@link
 * #withPerfectForecast}). Power and speed at a limit come from the workload's profile; carbon is energy
 * times the slot's intensity. Pure and single-threaded; cheap enough for a year of hourly slots
 * per policy in well under a second.
 */
public final class Simulator {

  private final SlotTrace trace;
  private final Gpu gpu;
  private final PowerProfile profile;
  private final LimitOptions options;
  private final List<GpuState> gpus;
  private final int foresightSlots;
  /** How the forecast differs from the trace; empty: it is the trace. */
  private final Optional<ForecastError> forecastError;
  /** Signals from before the trace that policies see as history, then the trace's own. */
  private final SignalHistory seen;
  /** Where the trace's first slot is in {@link #seen}. */
  private final int priorCount;

  private Simulator(SlotTrace trace, Gpu gpu, PowerProfile profile, int foresightSlots, List<CarbonSignal> prior) {
    this(trace, gpu, profile, foresightSlots, Optional.empty(), prior);
  }

  private Simulator(SlotTrace trace, Gpu gpu, PowerProfile profile, int foresightSlots,
      Optional<ForecastError> forecastError, List<CarbonSignal> prior) {
    this.trace = trace;
    this.foresightSlots = foresightSlots;
    this.forecastError = forecastError;
    this.priorCount = prior.size();
    List<CarbonSignal> all = new ArrayList<>(prior.size() + trace.size());
    all.addAll(prior);
    all.addAll(trace.signals);
    // One array, each slot's history a view of it: nothing copied per slot.
    this.seen = SignalHistory.of(all);
    this.gpu = gpu;
    this.profile = profile;
    this.options = LimitOptions.of(gpu, gpu.defaultLimit(), profile);
    this.gpus = List.of(new GpuState(gpu, gpu.defaultLimit(), gpu.defaultLimit(), Optional.of(profile)));
  }

  /**
   * A simulator for one GPU (its default limit is full speed) running one workload.
   *
   * @throws IllegalArgumentException when the trace has gaps or uneven slots, or the profile does
   *     not measure the GPU's whole limit range
   */
  public static Simulator create(CarbonTrace trace, Gpu gpu, PowerProfile profile) {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(profile, "profile");
    if (profile.points().size() < 2
        || profile.lowestLimit().isAbove(gpu.constraints().min())
        || profile.highestLimit().isBelow(gpu.defaultLimit())) {
      throw new IllegalArgumentException(
          "profile " + profile.source() + " measures " + profile.lowestLimit() + " to "
              + profile.highestLimit() + " (" + profile.points().size() + " limit(s)), but the GPU "
              + gpu.name() + " takes limits " + gpu.constraints() + " with full speed at "
              + gpu.defaultLimit() + "; the profile must cover them");
    }
    return new Simulator(SlotTrace.of(trace), gpu, profile, 0, List.of());
  }

  /**
   * This simulator, but policies also get the trace's true intensities of the next {@code
   * horizon} as their forecast: what a perfect forecast would be worth.
   */
  public Simulator withPerfectForecast(Duration horizon) {
    return new Simulator(trace, gpu, profile, (int) (horizon.toSeconds() / trace.slotSeconds), history());
  }

  /**
   * This simulator, but policies get a forecast of the next {@code horizon} that is off by {@code
   * error}: what a real forecasting source, which errs more the further it looks, is worth.
   */
  public Simulator withForecast(Duration horizon, ForecastError error) {
    return new Simulator(trace, gpu, profile, (int) (horizon.toSeconds() / trace.slotSeconds), Optional.of(error),
        history());
  }

  /**
   * This simulator, but policies also see {@code earlier}'s slots as the history before the
   * trace: what a daemon that ran through that time would have kept (a team's price of time and
   * the history forecaster read it). Only what ends by the trace's start is history; nothing of
   * it is simulated. Gaps in it are kept as gaps.
   *
   * @throws IllegalArgumentException when {@code earlier} starts at or after the trace's start
   */
  public Simulator withHistory(CarbonTrace earlier) {
    Instant start = trace.start(0);
    List<CarbonSignal> prior = new ArrayList<>();
    String zone = trace.signals.get(0).zone();
    for (CarbonTrace.Slot s : earlier.slots()) {
      if (!s.start().isBefore(start)) {
        break;
      }
      // The last row's slot runs to the next row in its own file; it stops where the trace begins.
      Instant end = s.end().isAfter(start) ? start : s.end();
      prior.add(new CarbonSignal(zone, s.start(), end, s.intensity(), SignalKind.AVERAGE, "history", s.estimated()));
    }
    if (prior.isEmpty()) {
      throw new IllegalArgumentException(
          "history trace starts at " + earlier.slots().get(0).start() + ", not before the simulated trace's start "
              + start + "; it must hold what came before it");
    }
    return new Simulator(trace, gpu, profile, foresightSlots, forecastError, prior);
  }

  /** The signals before the trace that policies see as history (empty unless {@link #withHistory}). */
  public List<CarbonSignal> history() {
    return seen.subList(0, priorCount);
  }

  public Gpu gpu() {
    return gpu;
  }

  public PowerProfile profile() {
    return profile;
  }

  /** The limits the oracle chooses among. */
  public LimitOptions options() {
    return options;
  }

  public Instant traceStart() {
    return trace.start(0);
  }

  public Instant traceEnd() {
    return trace.end();
  }

  public Duration slotLength() {
    return Duration.ofSeconds(trace.slotSeconds);
  }

  /** Seconds the work takes at full speed. */
  public double fullSpeedSeconds(double epochs) {
    return epochs * profile.epochSecondsAt(gpu.defaultLimit());
  }

  /** Seconds the work takes at the slowest of the limits the oracle chooses among. */
  public double slowestSeconds(double epochs) {
    double rate = Double.POSITIVE_INFINITY;
    for (int l = 0; l < options.size(); l++) {
      rate = Math.min(rate, options.epochsPerSecond(l));
    }
    return epochs / rate;
  }

  /**
   * Runs one job under a policy.
   *
   * @throws IllegalArgumentException when the job starts outside the trace or would run past its end
   */
  public JobOutcome run(Policy policy, Instant start, double epochs) {
    int slot = firstSlot(start);
    long base = trace.startSecond;
    double t = start.getEpochSecond() - base + start.getNano() / 1e9;
    double done = 0;
    double joules = 0;
    double grams = 0;
    long reach = policy.historyNeeded().toSeconds();
    while (done < epochs) {
      if (slot >= trace.size()) {
        throw new IllegalArgumentException(
            "a job started at " + start + " runs past the end of the trace at " + trace.end());
      }
      Instant now = at(t);
      CarbonSignal signal = trace.signals.get(slot);
      List<CarbonSignal> history = history(slot, reach);
      PolicyInput input =
          new PolicyInput(now, Optional.of(signal), forecast(slot), gpus, history,
              Optional.of(new JobProgress(start, epochs, Math.min(done, epochs))));
      Power limit = policy.decide(input).limits().get(0).target();
      double rate = 1.0 / profile.epochSecondsAt(limit);
      double watts = profile.averagePowerAt(limit).watts();
      double slotEnd = (double) (slot + 1) * trace.slotSeconds;
      double seconds = slotEnd - t;
      if (done + seconds * rate >= epochs) {
        seconds = (epochs - done) / rate;
        done = epochs;
      } else {
        done += seconds * rate;
      }
      joules += watts * seconds;
      grams += watts * seconds / 3.6e6 * trace.intensity[slot];
      t += seconds;
      slot++;
    }
    return new JobOutcome(start, at(t), grams, joules);
  }

  /**
   * The least carbon any schedule of the measured limits reaches for this job finishing by {@code
   * deadline}, with perfect knowledge of the trace.
   *
   * @throws IllegalArgumentException when even full speed misses the deadline, or the deadline is
   *     past the trace's end
   */
  public JobOutcome oracle(Instant start, double epochs, Instant deadline) {
    return solve(start, epochs, deadline, 0);
  }

  /**
   * The schedule of least carbon plus priced time, {@code gramsPerHour} for each hour the job
   * takes, over every schedule of the measured limits: the job's deadline is where running at the
   * lowest limit throughout ends, so none is left out. Summed over jobs, grams plus price times
   * hours bounds from below the carbon the same jobs can emit in any total time (see {@link
   * Experiment#teamBound}).
   *
   * @throws IllegalArgumentException when the slowest schedule would run past the trace's end
   */
  public JobOutcome pricedOracle(Instant start, double epochs, double gramsPerHour) {
    return solve(start, epochs, start.plusNanos((long) Math.ceil(slowestSeconds(epochs) * 1e9)), gramsPerHour / 3600);
  }

  private JobOutcome solve(Instant start, double epochs, Instant deadline, double gramsPerSecond) {
    int first = firstSlot(start);
    long base = trace.startSecond;
    double t0 = start.getEpochSecond() - base + start.getNano() / 1e9;
    double end = deadline.getEpochSecond() - base + deadline.getNano() / 1e9;
    if (end > (double) trace.size() * trace.slotSeconds + 1e-6) {
      throw new IllegalArgumentException("deadline " + deadline + " is past the end of the trace at " + trace.end());
    }
    int last = (int) Math.min(trace.size() - 1, Math.ceil(end / trace.slotSeconds) - 1);
    int n = Math.max(1, last - first + 1);
    double[] seconds = new double[n];
    double[] intensity = new double[n];
    for (int i = 0; i < n; i++) {
      double from = Math.max(t0, (double) (first + i) * trace.slotSeconds);
      double to = Math.min(end, (double) (first + i + 1) * trace.slotSeconds);
      seconds[i] = Math.max(0, to - from);
      intensity[i] = trace.intensity[first + i];
    }
    Oracle.Schedule best =
        Oracle.solve(seconds, intensity, options, epochs, gramsPerSecond)
            .orElseThrow(() -> new IllegalArgumentException(
                "no schedule finishes " + epochs + " epochs between " + start + " and " + deadline));
    return new JobOutcome(start, at(t0 + best.seconds()), best.grams(), best.joules());
  }

  /**
   * The least carbon any start and schedule of the measured limits reach for a job that arrives
   * at {@code arrival}, runs without pause once started, takes at most {@code maxRunSeconds} from
   * its start, and finishes by {@code deadline}: the oracle for start time and limits together.
   * Starts are the arrival and every slot boundary after it (where a queue that looks each slot
   * could start it); for each, {@link #oracle} is exact over the limits.
   *
   * @return empty when no start finishes in time, even at full speed
   * @throws IllegalArgumentException when the deadline is past the trace's end
   */
  public Optional<JobOutcome> jointOracle(Instant arrival, double epochs, Instant deadline, double maxRunSeconds) {
    Optional<JobOutcome> best = Optional.empty();
    double full = fullSpeedSeconds(epochs);
    for (Instant start : startsFrom(arrival, deadline)) {
      Instant end = start.plusNanos(Math.round(maxRunSeconds * 1e9));
      Instant due = end.isBefore(deadline) ? end : deadline;
      if (Duration.between(start, due).toNanos() / 1e9 < full * (1 - 1e-12)) {
        continue;
      }
      JobOutcome o = solve(start, epochs, due, 0);
      if (best.isEmpty() || o.grams() < best.get().grams()) {
        best = Optional.of(o);
      }
    }
    return best;
  }

  /** The arrival and every slot boundary after it, before {@code until}. */
  public List<Instant> startsFrom(Instant arrival, Instant until) {
    int slot = firstSlot(arrival);
    List<Instant> starts = new ArrayList<>();
    starts.add(arrival);
    for (int k = slot + 1; k < trace.size() && trace.start(k).isBefore(until); k++) {
      starts.add(trace.start(k));
    }
    return starts;
  }

  /**
   * What a planner knows at {@code now}, as a daemon would: the current slot's signal, then the
   * forecast this simulator gives (the trace's next slots under {@link #withPerfectForecast}, else
   * none).
   */
  public List<CarbonSignal> knownAt(Instant now) {
    int slot = firstSlot(now);
    List<CarbonSignal> known = new ArrayList<>();
    known.add(trace.signals.get(slot));
    known.addAll(forecast(slot));
    return known;
  }

  /** The slots that started before the one covering {@code now}, at most {@code reach} back. */
  public List<CarbonSignal> historyAt(Instant now, Duration reach) {
    return history(firstSlot(now), reach.toSeconds());
  }

  /**
   * The signals that start at most {@code reach} seconds before trace slot {@code slot}, reaching
   * into the history before the trace. By time, not count: the history may have gaps or other
   * slot lengths.
   */
  private List<CarbonSignal> history(int slot, long reach) {
    List<CarbonSignal> before = seen.subList(0, priorCount + slot);
    return CarbonSignal.startingFrom(before, trace.start(slot).minusSeconds(reach));
  }

  private List<CarbonSignal> forecast(int slot) {
    if (foresightSlots == 0) {
      return List.of();
    }
    List<CarbonSignal> truth = trace.signals.subList(slot + 1, Math.min(trace.size(), slot + 1 + foresightSlots));
    return forecastError.map(e -> e.apply(truth, slot, trace.slotSeconds)).orElse(truth);
  }

  private int firstSlot(Instant start) {
    int slot = trace.slotAt(start);
    if (slot < 0) {
      throw new IllegalArgumentException(
          "job start " + start + " is outside the trace (" + trace.start(0) + " to " + trace.end() + ")");
    }
    return slot;
  }

  private Instant at(double secondsFromTraceStart) {
    long whole = (long) Math.floor(secondsFromTraceStart);
    long nanos = Math.round((secondsFromTraceStart - whole) * 1e9);
    return Instant.ofEpochSecond(trace.startSecond + whole, nanos);
  }
}
