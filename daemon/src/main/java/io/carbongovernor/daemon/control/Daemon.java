package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.api.ApiServer;
import io.carbongovernor.daemon.api.QueueAccess;
import io.carbongovernor.daemon.api.SiteApiServer;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.Durations;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.fleet.DaemonFleet;
import io.carbongovernor.daemon.fleet.FleetScheduler;
import io.carbongovernor.daemon.history.HistoryException;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.jobs.BatchSizes;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.metrics.DaemonMetrics;
import io.carbongovernor.daemon.metrics.FleetMetrics;
import io.carbongovernor.daemon.metrics.SpoolMetrics;
import io.carbongovernor.daemon.queue.JobQueue;
import io.carbongovernor.daemon.queue.launch.JobLauncher;
import io.carbongovernor.daemon.queue.launch.JobLaunchers;
import io.carbongovernor.daemon.teams.GpuClaims;
import io.carbongovernor.daemon.teams.PolicySet;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.EnergyMeter;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuLocks;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.gpu.RestoreResult;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: the GPUs behind the safety layer, the carbon sources, the policy, the
 * history and the tick schedule. {@link #stop()} returns every GPU to its original limit.
 */
public final class Daemon {

  private static final Logger log = LoggerFactory.getLogger("daemon");

  /** How far ahead a tick asks for a forecast (the {@code forecast} policy reads it). */
  private static final Duration FORECAST_HORIZON = Duration.ofHours(24);

  private static final String TICK = "control-tick";
  private static final String SAMPLE = "energy-sample";
  private static final String QUEUE_CHECK = "queue-check";
  /** Under state-dir: one marker per job started, which outlives the daemon. */
  private static final String LAUNCH_MARKERS = "launched";

  /** What the queue plans from besides the forecast: the recorded week and a day before now. */
  static final Duration QUEUE_HISTORY = Duration.ofDays(8);
  /** How long the queue's first check waits for the first tick; then it plans on what there is. */
  private static final Duration FIRST_TICK_WAIT = Duration.ofMinutes(2);

  private final GovernorConfig config;
  private final GuardedGpuControl gpus;
  private final HistoryStore history;
  private final SignalReader signals;
  private final ControlLoop loop;
  private final Sampler sampler;
  private final DaemonSchedule scheduler;
  private final ApiServer api;
  private final Optional<SiteApiServer> site;
  private final AtomicReference<PolicySet> policies;
  private final AtomicReference<GovernorConfig> current;
  private final DaemonMetrics metrics;
  private final QueueAccess queue;
  private Optional<FleetScheduler> fleet = Optional.empty();
  private boolean stopped;

  private Daemon(
      GovernorConfig config,
      GuardedGpuControl gpus,
      HistoryStore history,
      SignalReader signals,
      ControlLoop loop,
      Sampler sampler,
      DaemonSchedule scheduler,
      ApiServer api,
      Optional<SiteApiServer> site,
      AtomicReference<PolicySet> policies,
      AtomicReference<GovernorConfig> current,
      DaemonMetrics metrics,
      QueueAccess queue) {
    this.config = config;
    this.gpus = gpus;
    this.history = history;
    this.signals = signals;
    this.loop = loop;
    this.sampler = sampler;
    this.scheduler = scheduler;
    this.api = api;
    this.site = site;
    this.policies = policies;
    this.current = current;
    this.metrics = metrics;
    this.queue = queue;
  }

  /**
   * Builds everything and starts the tick schedule. Limits left by a run that did not exit
   * cleanly are restored first.
   *
   * @throws StartupException when a part cannot start; nothing is left changed then
   */
  public static Daemon start(GovernorConfig config, Clock clock) {
    List<SignalReader.Configured> sources = sources(config, clock);
    return start(config, clock, sources, GpuBackendFactory.create(config, clock));
  }

  private static List<SignalReader.Configured> sources(GovernorConfig config, Clock clock) {
    return config.carbon().sources().stream()
        .map(s -> new SignalReader.Configured(s, CarbonSourceFactory.create(s, clock)))
        .toList();
  }

  /** As {@link #start(GovernorConfig, Clock)}, on a GPU backend the caller holds (tests). */
  public static Daemon start(GovernorConfig config, Clock clock, GpuControl backend) {
    return start(config, clock, sources(config, clock), backend);
  }

  private static Daemon start(
      GovernorConfig config, Clock clock, List<SignalReader.Configured> sources, GpuControl backend) {
    ProcFs proc = ProcFs.system();
    ProcessOwners owners = ProcessOwners.system();
    ProcessTree tree = ProcessTree.system();
    Function<Gpu, Optional<PowerProfile>> profiles;
    try {
      profiles = WorkloadProfiles.forConfig(config.gpu());
    } catch (StartupException e) {
      backend.close();
      throw e;
    }
    Ledger ledger;
    try {
      ledger = Ledger.open(config.stateDir());
    } catch (RuntimeException e) {
      backend.close();
      throw new StartupException("cannot open the ledger in " + config.stateDir() + ": " + e.getMessage(), e);
    }
    GpuLocks locks;
    try {
      locks = hostLocks(config, backend);
    } catch (RuntimeException e) {
      ledger.close();
      backend.close();
      throw new StartupException("cannot start: " + e.getMessage(), e);
    }
    if (!ledger.isEmpty()) {
      log.atWarn()
          .addKeyValue("ledger", ledger.file())
          .log("previous run did not exit cleanly; restoring its GPUs first");
      List<RestoreResult> restored = GuardedGpuControl.restore(backend, ledger);
      logRestore(restored);
      Optional<RestoreResult> damaged =
          restored.stream().filter(r -> r.errorCode().filter(RestoreResult.LEDGER_DAMAGED::equals).isPresent()).findFirst();
      if (damaged.isPresent()) {
        // Controlling a GPU whose original is unknown would take its throttled limit for full speed.
        locks.close();
        ledger.close();
        backend.close();
        throw new StartupException(damaged.get().detail());
      }
    }
    GuardedGpuControl gpus =
        GuardedGpuControl.builder(backend, ledger)
            .locks(locks)
            .minimumStep(config.gpu().minChange())
            .shadow(config.mode() == GovernorConfig.Mode.SHADOW)
            .build();
    HistoryStore history;
    try {
      history = HistoryStore.open(config.history(), config.stateDir(), clock);
    } catch (HistoryException e) {
      gpus.close();
      throw new StartupException(e.getMessage(), e);
    }
    SignalReader signals =
        new SignalReader(
            sources,
            config.zone(),
            config.carbon().maxAge(),
            config.carbon().fetchBudget(),
            FORECAST_HORIZON,
            clock);
    DaemonMetrics metrics = DaemonMetrics.create(gpus, signals::health, history::health);
    if (history.spool().isPresent()) {
      HistoryStore fleet = history;
      SpoolMetrics.register(metrics.registry(), () -> fleet.spool().orElseThrow(), clock, clock.instant());
    }
    AtomicReference<PolicySet> policies = new AtomicReference<>(PolicySet.of(config));
    JobRegistry jobs = new JobRegistry(proc, tree, owners, () -> policies.get().teams());
    GpuProfiles gpuProfiles = new GpuProfiles(profiles, jobs);
    ControlLoop loop =
        new ControlLoop(
            clock,
            signals,
            policies::get,
            gpus,
            claims(owners, tree, backend),
            jobs,
            history,
            gpuProfiles::profile,
            metrics);
    Sampler sampler =
        new Sampler(
            clock,
            gpus,
            EnergyMeter.create(),
            loop::lastReport,
            jobs,
            gpuProfiles::model,
            history,
            config.history().retention(),
            metrics);
    AtomicReference<GovernorConfig> current = new AtomicReference<>(config);
    QueueAccess queue = openQueue(config, current::get, jobs, clock);
    DaemonSchedule scheduler =
        DaemonSchedule.create(config.sampleEvery())
            .every(TICK, config.interval(), loop::tick)
            .every(SAMPLE, config.sampleEvery(), sampler::sample);
    if (queue instanceof QueueAccess.Open open) {
      scheduler.every(QUEUE_CHECK, config.queue().checkEvery(),
          () -> checkQueue(open.queue(), loop, history, gpus, clock));
    }
    ApiServer api;
    try {
      api =
          ApiServer.start(
              config.api(),
              new ApiServer.Daemon(
                  current::get, loop::lastReport, gpus::gpus, signals::health, jobs,
                  new BatchSizes(BatchSizeAdvisor.zeus(), history), proc, clock, metrics.registry(), queue));
    } catch (IOException e) {
      closeQueue(queue);
      signals.close();
      history.close();
      gpus.close();
      throw new StartupException(e.getMessage(), e);
    }
    Optional<SiteApiServer> site;
    try {
      site = startSiteApi(config, loop);
    } catch (IOException e) {
      api.close();
      closeQueue(queue);
      signals.close();
      history.close();
      gpus.close();
      throw new StartupException(e.getMessage(), e);
    }
    Daemon daemon =
        new Daemon(config, gpus, history, signals, loop, sampler, scheduler, api, site, policies, current, metrics,
            queue);
    scheduler.start();
    // Fleet-wide jobs, on their own scheduler: the node's control above never waits on them.
    if (config.fleet().isPresent()) {
      daemon.fleet = DaemonFleet.start(config, FleetMetrics.register(metrics.registry()), Clock.systemUTC());
    }
    log.atInfo()
        .addKeyValue("zone", config.zone())
        .addKeyValue("gpus", gpus.gpus().size())
        .addKeyValue("backend", config.gpu().backend().word())
        .addKeyValue("mode", config.mode().word())
        .addKeyValue("policy", config.defaultPolicy().kind())
        .addKeyValue("interval", config.interval().toString().substring(2).toLowerCase(Locale.ROOT))
        .addKeyValue("sources", String.join(",", sources.stream().map(s -> s.source().name()).toList()))
        .log("controlling");
    return daemon;
  }

  /**
   * The queue, in the node's own SQLite file, once the history is open. A queue that cannot open
   * is logged and refused to callers with the reason; the GPUs are controlled all the same.
   */
  private static QueueAccess openQueue(
      GovernorConfig config, Supplier<GovernorConfig> current, JobRegistry jobs, Clock clock) {
    if (!config.queue().enabled()) {
      return new QueueAccess.Off();
    }
    Path database = HistoryStore.localDatabase(config.history(), config.stateDir());
    try {
      JobQueue queue =
          JobQueue.open(current, database, queueLauncher(config), jobs, AccountNames.system(), clock);
      log.atInfo()
          .addKeyValue("database", database)
          .addKeyValue("launcher", queue.launcherKind())
          .addKeyValue("check_every", Durations.format(config.queue().checkEvery()))
          .log("queue open");
      return new QueueAccess.Open(queue);
    } catch (RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      log.atError()
          .setCause(e)
          .addKeyValue("database", database)
          .log("the queue cannot open; submissions are refused, GPU control goes on");
      return new QueueAccess.Failed(reason);
    }
  }

  /**
   * The launcher {@code queue.launcher} names, with its launch markers in the state directory, so
   * that a restart knows which jobs were started.
   */
  private static JobLauncher queueLauncher(GovernorConfig config) {
    Path markers = config.stateDir().resolve(LAUNCH_MARKERS);
    try {
      return JobLaunchers.of(config.queue().launcher(), markers, AccountNames.system());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + markers + ": " + e.getMessage(), e);
    }
  }

  /**
   * One check of the queue: the current signal and forecast of the last tick, and the recorded
   * signals of the last {@link #QUEUE_HISTORY} before now. The queue's check never throws.
   */
  private static void checkQueue(
      JobQueue queue, ControlLoop loop, HistoryStore history, GuardedGpuControl gpus, Clock clock) {
    // The first check runs at start beside the first tick: wait for that tick's signal, forecast
    // and GPU work, so that a job is not planned, or given GPUs, on nothing known.
    if (loop.lastReport().isEmpty()) {
      try {
        loop.awaitTicks(1, FIRST_TICK_WAIT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    Instant now = clock.instant();
    List<CarbonSignal> known = new ArrayList<>();
    loop.lastReport().ifPresent(r -> {
      r.signal().ifPresent(known::add);
      known.addAll(r.forecast());
    });
    queue.check(known,
        () -> history.signalsSince(now.minus(QUEUE_HISTORY)).stream().filter(s -> s.start().isBefore(now)).toList(),
        gpus.gpus(), workOn(loop.lastReport()));
  }

  /**
   * A GPU's load for the queue: whose work the last tick saw there (each team, and the default
   * for work no team owns), so that {@code --gpus N} is given idle GPUs first.
   */
  static ToIntFunction<Gpu> workOn(Optional<TickReport> last) {
    Map<String, Integer> work = new HashMap<>();
    last.ifPresent(r -> r.gpus().forEach(g -> work.put(g.gpu().uuid(), g.teams().size())));
    return gpu -> work.getOrDefault(gpu.uuid(), 0);
  }

  private static void closeQueue(QueueAccess queue) {
    if (queue instanceof QueueAccess.Open open) {
      open.queue().close();
    }
  }

  /** The site API, when the config asks for one: the signal of the last tick, for other daemons. */
  private static Optional<SiteApiServer> startSiteApi(GovernorConfig config, ControlLoop loop) throws IOException {
    if (config.siteApi().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(SiteApiServer.start(config.siteApi().get(), new SiteApiServer.Daemon(config.zone(), loop::lastReport)));
  }

  /** Simulated accounts count only where the backend itself is the simulation that runs them. */
  private static GpuClaims claims(ProcessOwners owners, ProcessTree tree, GpuControl backend) {
    return backend instanceof SimulatedGpuControl simulated
        ? new GpuClaims(owners, tree, simulated)
        : new GpuClaims(owners, tree);
  }

  /**
   * The host-wide per-GPU locks, for a daemon that may set limits on GPUs other processes can
   * see: one daemon per GPU whatever its state directory. Simulated GPUs live in this process, and
   * shadow mode never sets a limit, so neither takes them.
   */
  private static GpuLocks hostLocks(GovernorConfig config, GpuControl backend) {
    if (config.mode() == GovernorConfig.Mode.SHADOW) {
      return GpuLocks.none();
    }
    return LedgerRestore.hostLocks(config, backend.gpus().stream().map(Gpu::uuid).toList());
  }

  /**
   * Stops the schedule (waiting for a running tick), returns every ledgered GPU to its original
   * limit and closes the history. Safe to call twice.
   */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    log.info("stopping: restoring original power limits");
    try {
      site.ifPresent(SiteApiServer::close);
      api.close();
      scheduler.close();
      closeQueue(queue);
    } finally {
      try {
        logRestore(gpus.restoreAll());
      } finally {
        fleet.ifPresent(FleetScheduler::close);
        signals.close();
        history.close();
        gpus.close();
      }
    }
    log.info("stopped");
  }

  /**
   * Re-reads the configuration file and its team files. Everything is validated first; a bad
   * configuration is logged problem by problem (file:line:col) and the policies in force stay.
   * A good one swaps the default policy, the fail-safe and the teams at once; other settings
   * (interval, sources, GPUs, API, history) take effect at the next start, and the log says so.
   * Either way the reload is counted in the metrics.
   *
   * @return whether the new policies are in force
   */
  public boolean reload() {
    boolean applied = load();
    metrics.reloaded(applied);
    return applied;
  }

  private boolean load() {
    GovernorConfig next;
    try {
      next = ConfigLoader.load(config.sourceFile(), FileChecks.CHECK);
    } catch (InvalidConfigException e) {
      e.problems()
          .forEach(p -> log.atError().addKeyValue("problem", p.toString()).log("reload rejected"));
      log.atError()
          .addKeyValue("problems", e.problems().size())
          .log("configuration not reloaded; the policies in force stay");
      return false;
    }
    policies.set(PolicySet.of(next));
    GovernorConfig before = current.getAndSet(next);
    List<String> needRestart = RestartOnlySettings.changed(before, next);
    log.atInfo()
        .addKeyValue("default_policy", next.defaultPolicy().kind())
        .addKeyValue("teams", next.teams().size())
        .log("configuration reloaded: policies and teams in force");
    if (!needRestart.isEmpty()) {
      log.atWarn()
          .addKeyValue("settings", String.join(",", needRestart))
          .log("changed settings take effect at the next start");
    }
    return true;
  }

  /** Asks for a tick now, besides the schedule (it waits for a running tick). */
  public void triggerTick() {
    scheduler.triggerNow(TICK);
  }

  /** The local API's bound address. */
  public InetSocketAddress apiAddress() {
    return api.address();
  }

  /** The site API's bound address, when it is served. */
  public Optional<InetSocketAddress> siteApiAddress() {
    return site.map(SiteApiServer::address);
  }

  public ControlLoop loop() {
    return loop;
  }

  /** Asks for a sample pass now, besides the schedule. */
  public void triggerSample() {
    scheduler.triggerNow(SAMPLE);
  }

  public Sampler sampler() {
    return sampler;
  }

  /** The safety layer logs each GPU; this says whether the whole restore succeeded. */
  private static void logRestore(List<RestoreResult> results) {
    long failed = results.stream().filter(r -> !r.succeeded()).count();
    var line = failed == 0 ? log.atInfo() : log.atError();
    line.addKeyValue("gpus", results.size())
        .addKeyValue("not_restored", failed)
        .log(failed == 0 ? "original power limits restored" : "some GPUs NOT restored; see above");
  }
}
