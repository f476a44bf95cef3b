package io.carbongovernor.policy.sim;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.GpuState;
import io.carbongovernor.policy.JobProgress;
import io.carbongovernor.policy.LimitOptions;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PolicyInput;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Replays jobs on a carbon trace. A job does a fixed number of epochs of one workload on one GPU,
 * starts at its start time and runs without pause until done; at each slot (one tick per slot)
 * it runs at the limit the policy chose from what it could know then: the current slot's signal,
 * the slots before it (as far back as the policy reads) and the job's progress, but no forecast, since
 * a trace has none. Power and speed at a limit come from the workload's profile; carbon is energy
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

  private Simulator(SlotTrace trace, Gpu gpu, PowerProfile profile, int foresightSlots) {
    this.trace = trace;
    this.foresightSlots = foresightSlots;
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
    return new Simulator(SlotTrace.of(trace), gpu, profile, 0);
  }

  /**
   * This simulator, but policies also get the trace's true intensities of the next {@code
   * horizon} as their forecast: what a perfect forecast would be worth.
   */
  public Simulator withPerfectForecast(Duration horizon) {
    return new Simulator(trace, gpu, profile, (int) (horizon.toSeconds() / trace.slotSeconds));
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
    int historySlots = (int) Math.ceil((double) policy.historyNeeded().toSeconds() / trace.slotSeconds);
    while (done < epochs) {
      if (slot >= trace.size()) {
        throw new IllegalArgumentException(
            "a job started at " + start + " runs past the end of the trace at " + trace.end());
      }
      Instant now = at(t);
      CarbonSignal signal = trace.signals.get(slot);
      List<CarbonSignal> history = trace.signals.subList(Math.max(0, slot - historySlots), slot);
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
        Oracle.solve(seconds, intensity, options, epochs)
            .orElseThrow(() -> new IllegalArgumentException(
                "no schedule finishes " + epochs + " epochs between " + start + " and " + deadline));
    return new JobOutcome(start, at(t0 + best.seconds()), best.grams(), best.joules());
  }

  private List<CarbonSignal> forecast(int slot) {
    return foresightSlots == 0
        ? List.of()
        : trace.signals.subList(slot + 1, Math.min(trace.size(), slot + 1 + foresightSlots));
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
