package io.carbongovernor.daemon.queue;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.QueueConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.identity.UnixUser;
import io.carbongovernor.daemon.jobs.ClaimState;
import io.carbongovernor.daemon.jobs.JobException;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.queue.launch.JobLauncher;
import io.carbongovernor.daemon.queue.launch.LaunchException;
import io.carbongovernor.daemon.queue.launch.LaunchSpec;
import io.carbongovernor.daemon.queue.launch.Launched;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.gpu.Account;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.policy.defer.DeferSettings;
import io.carbongovernor.policy.defer.DeferredJob;
import io.carbongovernor.policy.defer.StartPlan;
import io.carbongovernor.policy.defer.StartPlanner;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deferrable jobs handed to the daemon by {@code submit}: kept durably, re-planned at each
 * check, and started once each, as their submitter, by their latest feasible start.
 *
 * <p>Every move between states is one committed transaction, and a move out of a state is made
 * only where the row is still in that state, so a cancel and a start of the same job cannot both
 * happen. A job is recorded as starting (with the GPUs and job id it gets) before the launcher is
 * called; the launcher's marker makes a second start of the same job impossible.
 */
public final class JobQueue implements AutoCloseable {

  /** How long ended jobs stay listed. */
  public static final Duration KEEP_ENDED = Duration.ofDays(7);

  /**
   * The slowdown planned for a job whose policy sets no bound on it (static, bands, chase): the
   * most a plan takes, twice the expected run.
   */
  public static final double UNBOUNDED_SLOWDOWN = 1.0;

  private static final Logger log = LoggerFactory.getLogger("queue");

  private final Supplier<GovernorConfig> config;
  private final QueueStore store;
  private final JobLauncher launcher;
  private final JobRegistry jobs;
  private final AccountNames accounts;
  private final Clock clock;
  private final ProcFs proc;
  private final ProcessTree tree;
  private final JobProcesses processes;
  private final SecureRandom random = new SecureRandom();
  /** Exit statuses of the jobs this daemon is the parent of, by queue id. */
  private final Map<String, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
  /** Jobs registered with the job registry by this daemon: each once, so a finish by its client stands. */
  private final Set<String> registered = ConcurrentHashMap.newKeySet();
  private final Object checking = new Object();

  private JobQueue(Supplier<GovernorConfig> config, QueueStore store, JobLauncher launcher, JobRegistry jobs,
      AccountNames accounts, Clock clock, Path procRoot) {
    this.config = config;
    this.store = store;
    this.launcher = launcher;
    this.jobs = jobs;
    this.accounts = accounts;
    this.clock = clock;
    this.proc = ProcFs.under(procRoot);
    this.tree = ProcessTree.under(procRoot);
    this.processes = new JobProcesses(procRoot, tree, ProcessOwners.of(procRoot, accounts));
  }

  /**
   * Opens the queue in the node's SQLite database (its history, or its spool in a fleet), and
   * recovers what a crash left: a job recorded as starting whose launch marker exists counts as
   * started (its process found by its job id in the environment), one without is started again
   * (the marker makes a second start impossible). Started jobs still running are registered with
   * the job registry at the first check, which has the node's GPUs.
   *
   * @param config the current configuration (queue rules, teams, policies), read at each use so
   *     that a reload applies
   * @throws QueueException 503 when the database cannot be opened
   */
  public static JobQueue open(
      Supplier<GovernorConfig> config,
      Path database,
      JobLauncher launcher,
      JobRegistry jobs,
      AccountNames accounts,
      Clock clock) {
    return open(config, database, launcher, jobs, accounts, clock, Path.of("/proc"));
  }

  static JobQueue open(Supplier<GovernorConfig> config, Path database, JobLauncher launcher, JobRegistry jobs,
      AccountNames accounts, Clock clock, Path procRoot) {
    QueueStore store;
    try {
      store = QueueStore.open(database);
    } catch (QueueStoreException e) {
      throw new QueueException(503, e.getMessage());
    }
    JobQueue queue = new JobQueue(config, store, launcher, jobs, accounts, clock, procRoot);
    queue.recover();
    return queue;
  }

  /** Static helper for the daemon: where the queue lives for a configuration (see LocalDatabase). */
  public static Optional<Path> databaseFor(GovernorConfig config) {
    return io.carbongovernor.daemon.history.LocalDatabase.of(config.history(), config.stateDir());
  }

  // ---------------------------------------------------------------- submit

  /**
   * Accepts a job from {@code callerUid} (from the kernel) and records it durably before
   * answering.
   *
   * @throws QueueException 400 bad request, 403 not allowed to submit (or not in the team named),
   *     409 no expected duration given or learned, 422 the deadline cannot be met, 429 too many
   *     jobs, 503 the queue cannot be written
   */
  public QueuedJob submit(long callerUid, SubmitRequest request) {
    Instant now = clock.instant();
    GovernorConfig cfg = config.get();
    QueueConfig rules = cfg.queue();
    if (!rules.enabled()) {
      throw new QueueException(403, "this node takes no submitted jobs (queue.enabled is false)");
    }
    SubmitChecks.check(request);
    Account account = accounts.account(callerUid)
        .orElseThrow(() -> new QueueException(403, "uid " + callerUid + " has no account on this node"));
    UnixUser user = new UnixUser(callerUid, account.name(), Set.copyOf(account.groups()));
    TeamDirectory teams = TeamDirectory.of(cfg.teams());
    Optional<TeamConfig> team = team(teams, user, request.team());
    if (rules.submitters().isPresent() && !Membership.of(rules.submitters().get(), user)) {
      throw new QueueException(403, user.name() + " is not among this node's queue.submitters");
    }
    if (team.isPresent() && team.get().queue().submitters().isPresent()
        && !Membership.of(team.get().queue().submitters().get(), user)) {
      throw new QueueException(403, user.name() + " is not among team " + team.get().name()
          + "'s queue submitters");
    }
    try {
      Optional<String> teamName = team.map(TeamConfig::name);
      Expected expected = expected(request, teamName);
      double slowdown = slowdown(cfg, team);
      Duration run = planned(expected.duration(), slowdown);
      Instant deadline = request.deadline().orElseGet(() -> team.flatMap(t -> t.queue().defaultDeferral())
          .map(d -> now.plus(d).plus(run).plus(rules.margin()))
          .orElseThrow(() -> new QueueException(400, "--deadline is required: team "
              + teamName.orElse("(none)") + " sets no queue default-deferral")));
      Duration maxWait = team.flatMap(t -> t.queue().maxDeferral())
          .filter(d -> d.compareTo(rules.maxDeferral()) < 0).orElse(rules.maxDeferral());
      Instant latest = deadline.minus(run).minus(rules.margin());
      if (latest.isAfter(now.plus(maxWait))) {
        latest = now.plus(maxWait);
      }
      if (latest.isBefore(now)) {
        throw new QueueException(422, "cannot meet the deadline " + deadline + ": the job runs about "
            + Words.of(expected.duration()) + ", " + Words.of(run) + " at the policy's slowdown of "
            + Math.round(slowdown * 100) + " %, and " + Words.of(rules.margin())
            + " are kept free before the deadline, so it had to start by " + latest + " (now " + now + ")");
      }
      QueuedJob job = new QueuedJob(
          "q-" + hex(), request.name(), callerUid, user.name(), teamName, QueueState.QUEUED, now, deadline,
          expected.duration(), expected.learnedFrom() > 0, latest, request.gpus(), request.workdir(), request.log(),
          request.command(), request.environment(), Optional.empty(), Optional.empty(), OptionalDouble.empty(),
          Optional.empty(), List.of(), OptionalLong.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
          OptionalInt.empty(),
          expected.learnedFrom() > 0
              ? Optional.of("expected " + Words.of(expected.duration()) + " learned from " + expected.learnedFrom()
                  + " runs")
              : Optional.empty());
      // Counted and inserted in one transaction, so that submissions at once cannot pass the limit together.
      int pending = store.insertWithin(new StoredJob(job), rules.maxJobsPerUser());
      if (pending >= rules.maxJobsPerUser()) {
        throw new QueueException(429, user.name() + " has " + pending + " jobs queued; queue.max-jobs-per-user is "
            + rules.maxJobsPerUser() + ": wait for some to start, or cancel some");
      }
      log.atInfo()
          .addKeyValue("job", job.id())
          .addKeyValue("name", job.name())
          .addKeyValue("user", job.user())
          .addKeyValue("team", teamName.orElse("(none)"))
          .addKeyValue("expected", Words.of(job.expected()) + (job.expectedLearned()
              ? " (learned from " + expected.learnedFrom() + " runs)" : ""))
          .addKeyValue("deadline", deadline)
          .addKeyValue("latest_start", latest)
          .log("job queued");
      return job;
    } catch (QueueStoreException e) {
      log.atError().addKeyValue("error", e.getMessage()).log("submitted job refused: the queue cannot be written");
      throw new QueueException(503, "the queue cannot record the job, so it was not queued: " + e.getMessage());
    }
  }

  /** The team named (which the user must belong to; root may name any), else the user's own. */
  private static Optional<TeamConfig> team(TeamDirectory teams, UnixUser user, Optional<String> named) {
    if (named.isEmpty()) {
      return teams.teamOf(user);
    }
    Optional<TeamConfig> team = teams.team(named.get());
    if (team.isEmpty() || !(user.isRoot() || team.get().users().contains(user.name())
        || team.get().groups().stream().anyMatch(user.groups()::contains))) {
      throw new QueueException(403, user.name() + " is not a member of team '" + named.get() + "'");
    }
    return team;
  }

  private record Expected(Duration duration, int learnedFrom) {}

  /** The given duration, else the median run time of the team's finished runs of this name. */
  private Expected expected(SubmitRequest request, Optional<String> team) {
    if (request.expected().isPresent()) {
      return new Expected(request.expected().get(), 0);
    }
    List<Duration> runs = new ArrayList<>(store.runTimes(team, request.name()));
    if (runs.isEmpty()) {
      throw new QueueException(409, "no finished run of '" + request.name() + "' in team " + team.orElse("(none)")
          + " to learn its duration from: pass --expected (how long it runs at full speed)");
    }
    runs.sort(Comparator.naturalOrder());
    int n = runs.size();
    Duration median = n % 2 == 1 ? runs.get(n / 2) : runs.get(n / 2 - 1).plus(runs.get(n / 2)).dividedBy(2);
    return new Expected(median.compareTo(SubmitChecks.MAX_EXPECTED) > 0 ? SubmitChecks.MAX_EXPECTED : median, n);
  }

  /**
   * The slowdown the job's policy may cause: a forecast policy's per-job budget, or with a team's
   * budget its job ceiling; none at full speed; {@link #UNBOUNDED_SLOWDOWN} for policies without
   * a bound.
   */
  static double slowdown(GovernorConfig cfg, Optional<TeamConfig> team) {
    PolicyConfig policy = team.map(TeamConfig::policy).orElse(cfg.defaultPolicy());
    return policy.policy().jobSlowdownBound().orElse(UNBOUNDED_SLOWDOWN);
  }

  private static Duration planned(Duration expected, double slowdown) {
    return Duration.ofNanos(Math.round(expected.toNanos() * (1 + slowdown)));
  }

  // ---------------------------------------------------------------- list, get, cancel

  /** The caller's jobs (root: all), newest first, ended ones included for a while. */
  public List<QueuedJob> list(long callerUid) {
    Instant keepFrom = clock.instant().minus(KEEP_ENDED);
    return stored().stream().map(StoredJob::job)
        .filter(j -> callerUid == 0 || j.uid() == callerUid)
        .filter(j -> j.endedAt().map(e -> !e.isBefore(keepFrom)).orElse(true))
        .toList();
  }

  /** @throws QueueException 404 unknown or not the caller's (root: any) */
  public QueuedJob get(long callerUid, String id) {
    return list(callerUid).stream().filter(j -> j.id().equals(id)).findFirst()
        .orElseThrow(() -> new QueueException(404, "no queued job " + id));
  }

  /**
   * Cancels a queued job (its owner or root).
   *
   * @throws QueueException 404 unknown or not the caller's, 409 already started or ended
   */
  public QueuedJob cancel(long callerUid, String id) {
    QueuedJob job = get(callerUid, id);
    if (job.state() == QueueState.QUEUED) {
      QueuedJob cancelled = ended(job, QueueState.CANCELLED, clock.instant(), OptionalInt.empty(),
          "cancelled by " + (callerUid == job.uid() ? job.user() : "uid " + callerUid));
      try {
        if (store.replace(QueueState.QUEUED, new StoredJob(cancelled))) {
          log.atInfo().addKeyValue("job", id).addKeyValue("by_uid", callerUid).log("queued job cancelled");
          return cancelled;
        }
      } catch (QueueStoreException e) {
        throw new QueueException(503, "the queue cannot record the cancel, so the job stays queued: " + e.getMessage());
      }
      job = get(callerUid, id); // started (or cancelled) meanwhile
    }
    throw new QueueException(409, switch (job.state()) {
      case STARTING, STARTED -> "job " + id + " has started" + job.pid().stream().mapToObj(p -> " as pid " + p)
          .findFirst().orElse("") + job.unit().map(u -> " in unit " + u).orElse("")
          + "; the queue no longer holds it: stop it with "
          + job.unit().map(u -> "systemctl stop " + u).orElse(job.pid().isPresent()
              ? "kill " + job.pid().getAsLong() : "kill");
      default -> "job " + id + " has ended (" + job.state().word() + ")";
    });
  }

  private List<StoredJob> stored() {
    try {
      return store.all();
    } catch (QueueStoreException e) {
      throw new QueueException(503, "the queue cannot be read: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------- check

  /**
   * Re-plans every queued job on what is known now and starts the due ones; notes started jobs
   * that have ended. Called every {@code queue.check-every}; never throws. Each GPU's load is the
   * number of registered jobs working on it.
   *
   * @param known the current signal and the forecast, in time order
   * @param history recorded slots before now, in time order
   * @param gpus the node's GPUs now
   */
  public void check(List<CarbonSignal> known, List<CarbonSignal> history, List<Gpu> gpus) {
    check(known, history, gpus, this::registeredOn);
  }

  /** As {@link #check(List, List, List)}, with each GPU's load (its processes) given. */
  public void check(List<CarbonSignal> known, List<CarbonSignal> history, List<Gpu> gpus, ToIntFunction<Gpu> busy) {
    check(known, () -> history, gpus, busy);
  }

  /**
   * As {@link #check(List, List, List, ToIntFunction)}, the history read only where a queued job
   * is to be planned, and then once: an idle queue, checked every minute, reads nothing but its
   * own table.
   */
  public void check(
      List<CarbonSignal> known, Supplier<List<CarbonSignal>> recorded, List<Gpu> gpus, ToIntFunction<Gpu> busy) {
    synchronized (checking) {
      try {
        Instant now = clock.instant();
        List<StoredJob> all = store.all();
        for (StoredJob job : all) {
          try {
            switch (job.job().state()) {
              case STARTED -> ended(job, now);
              case STARTING -> relaunch(job, now);
              default -> { }
            }
          } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", job.job().id()).addKeyValue("error", e.toString())
                .log("queue check of a started job failed; the next check tries again");
          }
        }
        List<StoredJob> queued = new ArrayList<>(all.stream().filter(j -> j.job().state() == QueueState.QUEUED).toList());
        queued.sort(Comparator.comparing((StoredJob j) -> j.job().submittedAt()).thenComparing(j -> j.job().id()));
        List<CarbonSignal> history = queued.isEmpty() ? List.of() : recorded.get();
        for (StoredJob job : queued) {
          try {
            plan(job.job(), now, known, history, gpus, busy);
          } catch (RuntimeException e) {
            log.atWarn().addKeyValue("job", job.job().id()).addKeyValue("error", e.toString())
                .log("queue check of a queued job failed; the next check tries again");
          }
        }
        registerStarted(gpus, now);
        int pruned = store.pruneEndedBefore(now.minus(KEEP_ENDED));
        if (pruned > 0) {
          log.atInfo().addKeyValue("jobs", pruned).log("ended queued jobs older than 7 days pruned");
        }
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue("error", e.toString()).log("queue check failed; the next check tries again");
      }
    }
  }

  private void plan(QueuedJob job, Instant now, List<CarbonSignal> known, List<CarbonSignal> history, List<Gpu> gpus,
      ToIntFunction<Gpu> busy) {
    GovernorConfig cfg = config.get();
    Duration margin = cfg.queue().margin();
    double slowdown = Math.min(1, slowdown(cfg, TeamDirectory.of(cfg.teams()).team(job.team().orElse(""))));
    DeferSettings settings = new DeferSettings(slowdown, margin);
    // The deadline at which the planner's latest start is the job's (which the maximum deferral may have brought forward).
    Instant deadline = job.latestStart().plus(settings.plannedRun(job.expected())).plus(margin);
    StartPlan plan = new StartPlanner(settings).plan(now, new DeferredJob(job.expected(), deadline), known, history);
    QueuedJob planned = withPlan(job, plan);
    if (plan.due(cfg.queue().checkEvery())) {
      start(planned, now, gpus, busy);
    } else if (!planned.plannedStart().equals(job.plannedStart()) || !planned.planBasis().equals(job.planBasis())) {
      store.replace(QueueState.QUEUED, new StoredJob(planned));
    }
  }

  private static QueuedJob withPlan(QueuedJob j, StartPlan plan) {
    return new QueuedJob(j.id(), j.name(), j.uid(), j.user(), j.team(), j.state(), j.submittedAt(), j.deadline(),
        j.expected(), j.expectedLearned(), j.latestStart(), j.gpus(), j.workdir(), j.log(), j.command(),
        j.environment(), Optional.of(plan.start()), Optional.of(plan.basis().word()), plan.changePercent(),
        j.startedAt(), j.gpusGiven(), j.pid(), j.unit(), j.registeredJob(), j.endedAt(), j.exitCode(), j.reason());
  }

  /** Records the job as starting with its GPUs and job id, then launches it. */
  private void start(QueuedJob job, Instant now, List<Gpu> gpus, ToIntFunction<Gpu> busy) {
    List<Gpu> given;
    try {
      given = GpuChoice.choose(job.gpus(), gpus, busy);
    } catch (GpuChoice.Unavailable e) {
      fail(job, QueueState.QUEUED, now, e.getMessage());
      return;
    }
    QueuedJob starting = new QueuedJob(job.id(), job.name(), job.uid(), job.user(), job.team(), QueueState.STARTING,
        job.submittedAt(), job.deadline(), job.expected(), job.expectedLearned(), job.latestStart(), job.gpus(),
        job.workdir(), job.log(), job.command(), job.environment(), job.plannedStart(), job.planBasis(),
        job.expectedChangePercent(), Optional.of(now), given.stream().map(Gpu::uuid).toList(), OptionalLong.empty(),
        Optional.empty(), Optional.of("j-" + hex()), Optional.empty(), OptionalInt.empty(), Optional.empty());
    if (!store.replace(QueueState.QUEUED, new StoredJob(starting))) {
      return; // cancelled meanwhile
    }
    if (now.isAfter(job.latestStart())) {
      log.atWarn().addKeyValue("job", job.id()).addKeyValue("latest_start", job.latestStart())
          .log("queued job starts after its latest start: the daemon did not check the queue then");
    }
    launch(starting, now);
  }

  /** A job recorded as starting whose launch was never made (a crash before it): launched now. */
  private void relaunch(StoredJob job, Instant now) {
    if (launcher.wasLaunched(job.job().id())) {
      adopt(job.job(), now);
    } else {
      launch(job.job(), now);
    }
  }

  private void launch(QueuedJob job, Instant now) {
    Optional<Account> account = accounts.account(job.uid());
    if (account.isEmpty() || !account.get().name().equals(job.user())) {
      fail(job, QueueState.STARTING, now, "the submitter's account (uid " + job.uid() + ", " + job.user()
          + ") is no longer on this node");
      return;
    }
    Map<String, String> env = new LinkedHashMap<>(job.environment());
    env.put("HOME", account.get().home().isEmpty() ? "/" : account.get().home());
    env.put("SHELL", account.get().shell().isEmpty() ? "/bin/sh" : account.get().shell());
    env.put("USER", account.get().name());
    env.put("LOGNAME", account.get().name());
    env.put("CUDA_VISIBLE_DEVICES", String.join(",", job.gpusGiven()));
    env.put("CARBON_GOVERNOR_JOB_ID", job.registeredJob().orElseThrow());
    Launched launched;
    try {
      launched = launcher.launch(new LaunchSpec(job.id(), job.name(), job.uid(), job.command(), job.workdir(), job.log(),
          env));
    } catch (LaunchException e) {
      fail(job, QueueState.STARTING, now, "could not be started: " + e.getMessage());
      return;
    }
    OptionalLong start = launched.pid().isPresent()
        ? tree.stat(launched.pid().getAsLong()).map(s -> OptionalLong.of(s.startTicks())).orElse(OptionalLong.empty())
        : OptionalLong.empty();
    launched.exit().ifPresent(f -> exits.put(job.id(), f));
    QueuedJob started = started(job, launched.pid(), launched.unit());
    store.replace(QueueState.STARTING, new StoredJob(started, start));
    log.atInfo()
        .addKeyValue("job", job.id())
        .addKeyValue("name", job.name())
        .addKeyValue("user", job.user())
        .addKeyValue("pid", launched.pid().isPresent() ? launched.pid().getAsLong() : "(unknown)")
        .addKeyValue("unit", launched.unit().orElse("(none)"))
        .addKeyValue("gpus", job.gpusGiven())
        .addKeyValue("basis", job.planBasis().orElse("(none)"))
        .log("queued job started");
  }

  /** A start made before a crash: recorded as started, with the process found by its job id. */
  private void adopt(QueuedJob job, Instant now) {
    OptionalLong pid = job.registeredJob().map(id -> processes.find(id, job.uid())).orElse(OptionalLong.empty());
    OptionalLong start = pid.isPresent()
        ? tree.stat(pid.getAsLong()).map(s -> OptionalLong.of(s.startTicks())).orElse(OptionalLong.empty())
        : OptionalLong.empty();
    QueuedJob started = started(job, pid, Optional.empty());
    store.replace(QueueState.STARTING, new StoredJob(started, start));
    log.atInfo().addKeyValue("job", job.id())
        .addKeyValue("pid", pid.isPresent() ? pid.getAsLong() : "(not found: it ended)")
        .log("queued job was started before a restart; recorded as started");
  }

  private static QueuedJob started(QueuedJob j, OptionalLong pid, Optional<String> unit) {
    return new QueuedJob(j.id(), j.name(), j.uid(), j.user(), j.team(), QueueState.STARTED, j.submittedAt(),
        j.deadline(), j.expected(), j.expectedLearned(), j.latestStart(), j.gpus(), j.workdir(), j.log(), j.command(),
        j.environment(), j.plannedStart(), j.planBasis(), j.expectedChangePercent(), j.startedAt(), j.gpusGiven(), pid,
        unit, j.registeredJob(), Optional.empty(), OptionalInt.empty(), j.reason());
  }

  /** A started job whose process has ended: finished, with its exit status where known. */
  private void ended(StoredJob stored, Instant now) {
    QueuedJob job = stored.job();
    CompletableFuture<Integer> exit = exits.get(job.id());
    OptionalInt status = OptionalInt.empty();
    if (exit != null) {
      if (!exit.isDone()) {
        return;
      }
      if (!exit.isCompletedExceptionally()) {
        Integer code = exit.getNow(null);
        status = code == null ? OptionalInt.empty() : OptionalInt.of(code);
      }
    } else if (job.pid().isPresent() && running(job.pid().getAsLong(), stored.processStart())) {
      return;
    }
    String how = job.pid().isEmpty() ? "its process was not found after a restart"
        : status.isPresent() ? "exited with status " + status.getAsInt() : "its process ended";
    QueuedJob finished = ended(job, QueueState.FINISHED, now, status, how);
    if (store.replace(QueueState.STARTED, new StoredJob(finished, stored.processStart()))) {
      exits.remove(job.id());
      registered.remove(job.id());
      log.atInfo().addKeyValue("job", job.id()).addKeyValue("name", job.name()).addKeyValue("how", how)
          .log("queued job finished");
    }
  }

  private boolean running(long pid, OptionalLong startTicks) {
    if (!proc.alive(pid)) {
      return false;
    }
    return startTicks.isEmpty() || tree.stat(pid).map(s -> s.startTicks() == startTicks.getAsLong()).orElse(true);
  }

  private void fail(QueuedJob job, QueueState from, Instant now, String why) {
    QueuedJob failed = ended(job, QueueState.FAILED, now, OptionalInt.empty(), why);
    if (store.replace(from, new StoredJob(failed))) {
      log.atWarn().addKeyValue("job", job.id()).addKeyValue("name", job.name()).addKeyValue("user", job.user())
          .addKeyValue("reason", why).log("queued job failed");
    }
  }

  private static QueuedJob ended(QueuedJob j, QueueState state, Instant now, OptionalInt exit, String why) {
    return new QueuedJob(j.id(), j.name(), j.uid(), j.user(), j.team(), state, j.submittedAt(), j.deadline(),
        j.expected(), j.expectedLearned(), j.latestStart(), j.gpus(), j.workdir(), j.log(), j.command(),
        j.environment(), j.plannedStart(), j.planBasis(), j.expectedChangePercent(), j.startedAt(), j.gpusGiven(),
        j.pid(), j.unit(), j.registeredJob(), Optional.of(now), exit, Optional.of(why));
  }

  /** Started jobs with a live process are registered with the job registry, as their submitter, once. */
  private void registerStarted(List<Gpu> gpus, Instant now) {
    for (StoredJob stored : store.all()) {
      QueuedJob job = stored.job();
      if (job.state() != QueueState.STARTED || job.pid().isEmpty() || job.registeredJob().isEmpty()
          || registered.contains(job.id())) {
        continue;
      }
      Optional<Account> account = accounts.account(job.uid());
      UnixUser owner = new UnixUser(job.uid(), job.user(), account.map(a -> Set.copyOf(a.groups())).orElse(Set.of()));
      List<Gpu> given = gpus.stream().filter(g -> job.gpusGiven().contains(g.uuid())).toList();
      try {
        jobs.registerStarted(job.registeredJob().get(), job.name(), job.pid().getAsLong(), owner, job.team(), given,
            now);
        registered.add(job.id());
      } catch (JobException e) {
        log.atWarn().addKeyValue("job", job.id()).addKeyValue("error", e.getMessage())
            .log("queue-started job not registered; the next check tries again");
      }
    }
  }

  private int registeredOn(Gpu gpu) {
    return (int) jobs.jobs().stream()
        .filter(j -> j.claims().stream().anyMatch(c -> c.gpu().equals(gpu) && c.state() != ClaimState.DROPPED))
        .count();
  }

  // ---------------------------------------------------------------- recovery

  /** What a crash left: starts recorded but maybe not made. */
  private void recover() {
    Instant now = clock.instant();
    List<StoredJob> all;
    try {
      all = store.all();
    } catch (QueueStoreException e) {
      throw new QueueException(503, e.getMessage());
    }
    for (StoredJob job : all) {
      if (job.job().state() == QueueState.STARTING) {
        try {
          relaunch(job, now);
        } catch (RuntimeException e) {
          log.atWarn().addKeyValue("job", job.job().id()).addKeyValue("error", e.toString())
              .log("recovering a starting job failed; the next check tries again");
        }
      }
    }
  }

  /** The launcher's kind, for {@code status}. */
  public String launcherKind() {
    return launcher.kind();
  }

  @Override
  public void close() {
    store.close();
  }

  private String hex() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  private static final class Words {
    static String of(Duration d) {
      long s = d.toSeconds();
      return s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
  }
}
