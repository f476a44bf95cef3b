package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.history.DecisionRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.teams.GpuClaims;
import io.carbongovernor.daemon.teams.PolicySet;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.GpuState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One control tick: read the signal, decide with the policy (or the fail-safe), apply through the
 * safety layer, log each change and record every decision. A tick never throws: whatever fails
 * is logged, and the next tick tries again.
 */
public final class ControlLoop {

  private static final Logger log = LoggerFactory.getLogger("control");

  /**
   * How much of the grid's past the loop keeps: over a week for history forecasts, up to a year
   * and a day for the price of time a team's forecast budget is calibrated on (8,800 hourly
   * slots, about a megabyte).
   */
  private static final Duration HISTORY_KEPT = Duration.ofDays(367);
  /** Holes shorter than this are slots of different lengths not lining up, not time missed. */
  private static final Duration SMALLEST_HOLE = Duration.ofHours(1);
  /** The most holes one fetch asks for, the longest first; the rest wait for the next. */
  private static final int HOLES_PER_FETCH = 8;

  private final Clock clock;
  private final SignalReader signals;
  private final Supplier<PolicySet> policies;
  private final GuardedGpuControl gpus;
  private final GpuClaims claims;
  private final JobRegistry jobs;
  private final HistoryStore history;
  private final Function<Gpu, Optional<PowerProfile>> profiles;
  private final TickListener listener;
  /** Slots seen, oldest first, for policies that forecast from history. */
  private final Deque<CarbonSignal> seen = new ArrayDeque<>();

  /**
   * The fetch of what the store lacks of the history the policies read, in flight; null when
   * none is. A fresh install prices a team's time and forecasts from history at once, instead of
   * after weeks of running.
   */
  private CompletableFuture<List<CarbonSignal>> backfill;
  /** The earliest instant history was asked for; null before the first tick. */
  private Instant askedFrom;
  /** Where each hole asked for began, so that what no source has is not asked again. */
  private final Set<Instant> holesAsked = new HashSet<>();

  private final Set<String> unreadable = new HashSet<>();
  private final AtomicReference<TickReport> lastReport = new AtomicReference<>();
  private boolean inFailSafe;
  private CarbonSignal lastRecordedSignal;
  /** Written under the lock; read without it, so a watchdog never waits on a stuck tick. */
  private volatile long completedTicks;

  ControlLoop(
      Clock clock,
      SignalReader signals,
      Supplier<PolicySet> policies,
      GuardedGpuControl gpus,
      GpuClaims claims,
      JobRegistry jobs,
      HistoryStore history,
      Function<Gpu, Optional<PowerProfile>> profiles,
      TickListener listener) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.signals = Objects.requireNonNull(signals, "signals");
    this.policies = Objects.requireNonNull(policies, "policies");
    this.gpus = Objects.requireNonNull(gpus, "gpus");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.history = Objects.requireNonNull(history, "history");
    this.profiles = Objects.requireNonNull(profiles, "profiles");
    this.listener = Objects.requireNonNull(listener, "listener");
    // What was seen before a restart: history forecasts and a team's price of time need it.
    for (CarbonSignal signal : history.signalsSince(clock.instant().minus(HISTORY_KEPT))) {
      remember(signal);
    }
  }

  /** Runs one tick; synchronized so that a manual trigger and the schedule never interleave. */
  public synchronized void tick() {
    Instant now = clock.instant();
    long started = System.nanoTime();
    try {
      PolicySet set = policies.get();
      boolean fetching = startBackfill(now, set);
      SignalReading reading = signals.read(now);
      noteFailSafe(reading, set);
      reading.current().ifPresent(s -> recordSignal(now, s));
      mergeBackfill(now, fetching ? signals.budget() : Duration.ZERO);
      jobs.removeExited();

      List<GpuState> states = readGpus();
      List<Gpu> readable = states.stream().map(GpuState::gpu).toList();
      GpuClaims.Resolution resolved = claims.resolve(gpus, readable, jobs.jobs(), set.teams());
      jobs.observe(resolved.jobsSeen(), resolved.listed(), now);
      TickPlan plan =
          TickPlan.make(now, reading, past(now), monthToDate(now, set), set, states, resolved.claims());
      List<LimitOutcome> outcomes = gpus.apply(plan.targets());

      List<DecisionRecord> records = new ArrayList<>();
      List<TickReport.GpuReport> reports = new ArrayList<>();
      Map<String, Power> originals = new HashMap<>();
      states.forEach(st -> originals.put(st.gpu().uuid(), st.originalLimit()));
      for (LimitOutcome outcome : outcomes) {
        TickPlan.Target t = plan.target(outcome.gpu());
        logOutcome(outcome, t.reason(), reading.current());
        records.add(
            new DecisionRecord(
                now,
                outcome.gpu(),
                t.policy(),
                reading.failSafeReason().isPresent(),
                outcome.previous(),
                outcome.target(),
                outcome.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                t.reason(),
                reading.current()));
        reports.add(
            new TickReport.GpuReport(
                outcome.gpu(),
                originals.get(outcome.gpu().uuid()),
                outcome.target(),
                outcome.previous(),
                outcome.status(),
                t.teams(),
                t.policy(),
                t.reason()));
      }
      history.recordDecisions(records);
      TickReport report =
          new TickReport(
              now, reading.current(), reading.forecast(), reading.failSafeReason(), reports,
              plan.batchSizeByTeam());
      lastReport.set(report);
      listener.completed(report, Duration.ofNanos(System.nanoTime() - started));
    } catch (RuntimeException e) {
      log.atError().setCause(e).log("control tick failed; the next tick tries again");
      listener.failed(Duration.ofNanos(System.nanoTime() - started));
    } finally {
      completedTicks++;
      notifyAll();
    }
  }

  /** What the last completed tick saw and did; empty before the first. */
  public Optional<TickReport> lastReport() {
    return Optional.ofNullable(lastReport.get());
  }

  /** The GPUs that can be read now; one that cannot is left out of this tick's decision. */
  private List<GpuState> readGpus() {
    List<GpuState> states = new ArrayList<>();
    for (Gpu gpu : gpus.gpus()) {
      try {
        Power current = gpus.sample(gpu).limit();
        states.add(new GpuState(gpu, gpus.originalLimit(gpu), current, profiles.apply(gpu)));
        if (unreadable.remove(gpu.uuid())) {
          log.atInfo().addKeyValue("gpu", gpu.label()).addKeyValue("uuid", gpu.uuid()).log("GPU readable again");
        }
      } catch (GpuException e) {
        if (unreadable.add(gpu.uuid())) {
          log.atWarn()
              .addKeyValue("gpu", gpu.label())
              .addKeyValue("uuid", gpu.uuid())
              .addKeyValue("code", e.code())
              .log("cannot read GPU; leaving it out until it answers");
        }
      }
    }
    return states;
  }

  private void noteFailSafe(SignalReading reading, PolicySet set) {
    boolean now = reading.failSafeReason().isPresent();
    if (now && !inFailSafe) {
      log.atWarn()
          .addKeyValue("policy", set.failSafe().kind())
          .addKeyValue("reason", reading.failSafeReason().get())
          .log("fail-safe engaged");
    } else if (!now && inFailSafe) {
      log.atInfo().log("fresh signal again; fail-safe released");
    }
    inFailSafe = now;
  }

  private void recordSignal(Instant now, CarbonSignal signal) {
    // One row per slot and source, not one per tick.
    if (!signal.equals(lastRecordedSignal)) {
      history.recordSignal(now, signal);
      lastRecordedSignal = signal;
      remember(signal);
    }
  }

  private void remember(CarbonSignal signal) {
    CarbonSignal last = seen.peekLast();
    if (last != null && last.start().equals(signal.start())) {
      seen.pollLast(); // the same slot again, from another source or revised
    } else if (last != null && signal.start().isBefore(last.end())) {
      return; // out of order: keep the series increasing
    }
    seen.addLast(signal);
    while (seen.size() > 1
        && Duration.between(seen.peekFirst().start(), signal.start()).compareTo(HISTORY_KEPT) > 0) {
      seen.pollFirst();
    }
  }

  /**
   * Asks the sources for what the policies read and the loop lacks, unless a fetch is in flight:
   * the history older than what was kept (once per extent), and each hole of an hour or more
   * between the slots kept (once per hole): a restart after downtime, or an outage of every
   * source. A hole after the last slot counts only before this process has seen a signal, so an
   * outage still going on is not asked for until it is over.
   *
   * @return whether a fetch started
   */
  private boolean startBackfill(Instant now, PolicySet set) {
    if (backfill != null) {
      return false;
    }
    Instant from = now.minus(historyNeeded(set));
    List<Span> spans = new ArrayList<>();
    Instant before = seen.isEmpty() ? now : seen.peekFirst().start();
    if (askedFrom != null && before.isAfter(askedFrom)) {
      before = askedFrom;
    }
    if (from.isBefore(before)) {
      spans.add(new Span(from, before));
      askedFrom = from;
    }
    holesAsked.removeIf(start -> start.isBefore(from));
    List<Span> holes = new ArrayList<>();
    CarbonSignal previous = null;
    for (CarbonSignal s : seen) {
      if (previous != null) {
        addHole(holes, previous.end(), s.start(), from);
      }
      previous = s;
    }
    if (previous != null && lastRecordedSignal == null) {
      addHole(holes, previous.end(), now, from);
    }
    holes.sort(Comparator.comparing(Span::length).reversed());
    for (Span hole : holes.subList(0, Math.min(HOLES_PER_FETCH, holes.size()))) {
      spans.add(hole);
      holesAsked.add(hole.asked());
    }
    if (spans.isEmpty()) {
      return false;
    }
    backfill = fetch(spans);
    return true;
  }

  private void addHole(List<Span> holes, Instant start, Instant end, Instant from) {
    Instant clipped = start.isBefore(from) ? from : start;
    if (Duration.between(clipped, end).compareTo(SMALLEST_HOLE) >= 0 && !holesAsked.contains(start)) {
      holes.add(new Span(clipped, end, start));
    }
  }

  /** Every span's slots, one fetch each; a span no source has is logged and left out. */
  private CompletableFuture<List<CarbonSignal>> fetch(List<Span> spans) {
    List<CompletableFuture<List<CarbonSignal>>> parts = new ArrayList<>();
    for (Span span : spans) {
      parts.add(signals.history(span.from(), span.to()).handle((slots, error) -> {
        if (error == null) {
          return slots;
        }
        Throwable why = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        log.atWarn().addKeyValue("from", span.from()).addKeyValue("to", span.to())
            .addKeyValue("reason", why.getMessage())
            .log("no source has the grid's history for a span the daemon did not see;"
                + " history forecasts and team prices go on without it");
        return List.of();
      }));
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenApply(done -> parts.stream().flatMap(p -> p.join().stream()).toList());
  }

  /** A span of time to ask the sources for; {@code asked} keys a hole so it is asked once. */
  private record Span(Instant from, Instant to, Instant asked) {
    Span(Instant from, Instant to) {
      this(from, to, from);
    }

    Duration length() {
      return Duration.between(from, to);
    }
  }

  /** The longest history any policy in force reads, up to what the loop keeps. */
  private static Duration historyNeeded(PolicySet set) {
    Duration needed =
        Stream.concat(Stream.of(set.defaultPolicy(), set.failSafe()), set.teams().teams().stream().map(TeamConfig::policy))
            .map(p -> p.policy().historyNeeded())
            .max(Comparator.naturalOrder())
            .orElse(Duration.ZERO);
    return needed.compareTo(HISTORY_KEPT) > 0 ? HISTORY_KEPT : needed;
  }

  /**
   * Puts the fetched slots where the slots kept leave room for them, once they have arrived
   * (waiting at most {@code wait}), and records them, so that a restart need not ask again. A
   * slot that overlaps one kept, or one already put, is left out: the series stays increasing.
   */
  private void mergeBackfill(Instant now, Duration wait) {
    if (backfill == null) {
      return;
    }
    List<CarbonSignal> fetched;
    try {
      fetched = wait.isZero() ? backfill.getNow(null) : backfill.get(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return; // a later tick takes it
    } catch (ExecutionException | CompletionException e) {
      backfill = null; // each span's failure was logged where it failed
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (fetched == null) {
      return;
    }
    backfill = null;
    List<CarbonSignal> sorted = new ArrayList<>(fetched);
    sorted.sort(Comparator.comparing(CarbonSignal::start));
    List<CarbonSignal> kept = new ArrayList<>(seen);
    List<CarbonSignal> merged = new ArrayList<>(kept.size() + sorted.size());
    List<CarbonSignal> added = new ArrayList<>();
    int k = 0;
    for (CarbonSignal s : sorted) {
      while (k < kept.size() && !kept.get(k).end().isAfter(s.start())) {
        merged.add(kept.get(k++));
      }
      boolean clearOfNext = k == kept.size() || !s.end().isAfter(kept.get(k).start());
      boolean clearOfLast = merged.isEmpty() || !s.start().isBefore(merged.get(merged.size() - 1).end());
      if (clearOfNext && clearOfLast) {
        merged.add(s);
        added.add(s);
      }
    }
    merged.addAll(kept.subList(k, kept.size()));
    if (added.isEmpty()) {
      return;
    }
    seen.clear();
    seen.addAll(merged);
    history.recordSignals(now, added);
    log.atInfo().addKeyValue("slots", added.size()).addKeyValue("from", added.get(0).start())
        .addKeyValue("to", added.get(added.size() - 1).end()).addKeyValue("source", added.get(0).source())
        .log("history fetched from the carbon sources");
  }

  /** Each team's emissions this calendar month (UTC), read only when some team has a budget. */
  private Map<String, Double> monthToDate(Instant now, PolicySet set) {
    if (set.teams().teams().stream().noneMatch(t -> t.monthlyCarbonBudgetKg().isPresent())) {
      return Map.of();
    }
    Instant monthStart =
        now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    return history.emissionsByTeamSince(monthStart);
  }

  /** The slots seen that ended by {@code now}, oldest first. */
  private List<CarbonSignal> past(Instant now) {
    List<CarbonSignal> past = new ArrayList<>(seen.size());
    for (CarbonSignal s : seen) {
      if (!s.end().isAfter(now)) {
        past.add(s);
      }
    }
    return past;
  }

  private static void logOutcome(LimitOutcome outcome, String reason, Optional<CarbonSignal> signal) {
    LoggingEventBuilder line;
    String message;
    switch (outcome.status()) {
      case APPLIED -> {
        line = log.atInfo();
        message = "limit changed";
      }
      case SHADOW -> {
        line = log.atInfo();
        message = "shadow mode: limit would change";
      }
      case FAILED -> {
        line = log.atWarn().addKeyValue("code", outcome.errorCode().orElse("?"));
        message = "limit change failed";
      }
      default -> {
        return; // unchanged and held-by-operator: nothing new to say every tick
      }
    }
    Gpu gpu = outcome.gpu();
    line.addKeyValue("gpu", gpu.label())
        .addKeyValue("uuid", gpu.uuid())
        .addKeyValue("old_w", outcome.previous().map(p -> fmt(p.watts())).orElse("?"))
        .addKeyValue("new_w", fmt(outcome.target().watts()));
    signal.ifPresent(
        s ->
            line.addKeyValue("intensity_g_per_kwh", fmt(s.intensity().gramsPerKwh()))
                .addKeyValue("source", s.source()));
    line.addKeyValue("reason", reason).log(message);
  }

  private static String fmt(double value) {
    return value == Math.rint(value)
        ? Long.toString((long) value)
        : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Ticks run so far, including failed ones; does not wait for a running tick. */
  public long completedTicks() {
    return completedTicks;
  }

  /**
   * Waits until at least {@code count} ticks have completed.
   *
   * @return whether they did within {@code timeout}
   */
  public synchronized boolean awaitTicks(long count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (completedTicks < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
