package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.accounting.Accounting;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.EnergyMeter;
import io.carbongovernor.gpu.EnergyReading;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.GuardedGpuControl;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every sample period: reads each GPU's energy, splits it equally among the teams and jobs with
 * work on the GPU (as the last tick found them), accounts it against the original limit, and
 * records it with the intensity the daemon decided on. A GPU that cannot be read leaves a gap in
 * its history, never a zero; when it answers again its next reading starts afresh.
 */
public final class Sampler {

  private static final Logger log = LoggerFactory.getLogger("sampler");
  private static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private final Clock clock;
  private final GuardedGpuControl gpus;
  private final EnergyMeter meter;
  private final Supplier<Optional<TickReport>> lastTick;
  private final JobRegistry jobs;
  private final Function<Gpu, Optional<Accounting.Model>> models;
  private final HistoryStore history;
  private final Retention retention;
  private final SampleListener listener;

  private final Map<String, Instant> lastGood = new HashMap<>();
  private final Map<String, Instant> gapSince = new HashMap<>();
  private Instant lastPrune = Instant.MIN;
  private long completed;

  Sampler(
      Clock clock,
      GuardedGpuControl gpus,
      EnergyMeter meter,
      Supplier<Optional<TickReport>> lastTick,
      JobRegistry jobs,
      Function<Gpu, Optional<Accounting.Model>> models,
      HistoryStore history,
      Retention retention,
      SampleListener listener) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.gpus = Objects.requireNonNull(gpus, "gpus");
    this.meter = Objects.requireNonNull(meter, "meter");
    this.lastTick = Objects.requireNonNull(lastTick, "lastTick");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.models = Objects.requireNonNull(models, "models");
    this.history = Objects.requireNonNull(history, "history");
    this.retention = Objects.requireNonNull(retention, "retention");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /** One sample pass over every GPU. Never throws; failures are logged. */
  public synchronized void sample() {
    Instant now = clock.instant();
    try {
      Optional<TickReport> tick = lastTick.get();
      Optional<CarbonIntensity> intensity = tick.flatMap(TickReport::signal).map(CarbonSignal::intensity);
      List<Job> registered = jobs.jobs();
      List<EnergyRecord> records = new ArrayList<>();
      for (Gpu gpu : gpus.gpus()) {
        GpuSample sample;
        try {
          sample = gpus.sample(gpu);
        } catch (GpuException e) {
          gapSince.putIfAbsent(gpu.uuid(), lastGood.getOrDefault(gpu.uuid(), now));
          listener.unreadable(gpu);
          continue;
        }
        Instant since = gapSince.remove(gpu.uuid());
        if (since != null) {
          history.recordGap(gpu.uuid(), since, now, "GPU could not be read");
          meter.forget(gpu.uuid());
          log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid())
              .addKeyValue("gap_s", Duration.between(since, now).toSeconds()).log("GPU readable again; gap recorded");
        }
        lastGood.put(gpu.uuid(), now);
        listener.sampled(gpu, sample);
        EnergyReading reading = meter.record(gpu, now, sample);
        if (reading.source() == EnergyReading.Source.FIRST
            || reading.source() == EnergyReading.Source.OUT_OF_ORDER
            || reading.interval().isZero()) {
          continue;
        }
        records.addAll(account(gpu, sample, reading, now, tick, registered, intensity));
      }
      history.recordEnergy(records);
      listener.accounted(records);
      if (Duration.between(lastPrune, now).compareTo(PRUNE_EVERY) >= 0) {
        history.prune(now, retention);
        lastPrune = now;
      }
    } catch (RuntimeException e) {
      log.atError().setCause(e).log("sample pass failed; the next one tries again");
    } finally {
      completed++;
      notifyAll();
    }
  }

  /** The GPU's energy of one period split among its claims, each with its accounting. */
  private List<EnergyRecord> account(
      Gpu gpu,
      GpuSample sample,
      EnergyReading reading,
      Instant now,
      Optional<TickReport> tick,
      List<Job> registered,
      Optional<CarbonIntensity> intensity) {
    // Claims: each registered job whose work ran on the GPU at the last tick, and each team
    // working there without one.
    Map<String, List<String>> teamJobs = new LinkedHashMap<>();
    List<Job> jobsHere = registered.stream().filter(j -> j.runsOn(gpu)).toList();
    for (Job job : jobsHere) {
      teamJobs.computeIfAbsent(job.team().orElse(EnergyRecord.DEFAULT_POLICY), k -> new ArrayList<>()).add(job.name());
    }
    tick.flatMap(t -> t.gpu(gpu.uuid()))
        .ifPresent(g -> g.teams().forEach(team -> teamJobs.computeIfAbsent(team, k -> new ArrayList<>(List.of("")))));
    if (teamJobs.isEmpty()) {
      teamJobs.put(EnergyRecord.IDLE, List.of(""));
    }
    int shares = teamJobs.values().stream().mapToInt(List::size).sum();
    Energy share = Energy.ofMillijoules(reading.delta().millijoules() / shares);
    Duration period = reading.interval();
    Instant start = now.minus(period);
    var original = gpus.originalLimit(gpu);
    Accounting.Result result = Accounting.account(share, period, sample.limit(), original, models.apply(gpu));
    List<EnergyRecord> out = new ArrayList<>();
    teamJobs.forEach(
        (team, names) -> {
          for (String name : names) {
            EnergyRecord r =
                new EnergyRecord(start, now, gpu, team, name, share, result.baseline(), intensity, sample.limit(),
                    original, period, result.extra(), result.throttled(), result.profileSource());
            out.add(r);
            if (!name.isEmpty()) {
              jobsHere.stream()
                  .filter(j -> j.name().equals(name) && j.team().orElse(EnergyRecord.DEFAULT_POLICY).equals(team))
                  .forEach(j -> jobs.addUsage(j.id(), share, r.emissionsGrams().orElse(0.0)));
            }
          }
        });
    return out;
  }

  /** Sample passes run so far. */
  public synchronized long completed() {
    return completed;
  }

  /** Waits until at least {@code count} passes have completed; whether they did in time. */
  public synchronized boolean awaitPasses(long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (completed < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
