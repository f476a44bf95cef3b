package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.history.HistoryException;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.RestoreResult;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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

  private final GovernorConfig config;
  private final GuardedGpuControl gpus;
  private final HistoryStore history;
  private final ControlLoop loop;
  private final TickScheduler scheduler;
  private boolean stopped;

  private Daemon(
      GovernorConfig config,
      GuardedGpuControl gpus,
      HistoryStore history,
      ControlLoop loop,
      TickScheduler scheduler) {
    this.config = config;
    this.gpus = gpus;
    this.history = history;
    this.loop = loop;
    this.scheduler = scheduler;
  }

  /**
   * Builds everything and starts the tick schedule. Limits left by a run that did not exit
   * cleanly are restored first.
   *
   * @throws StartupException when a part cannot start; nothing is left changed then
   */
  public static Daemon start(GovernorConfig config, Clock clock) {
    List<CarbonSource> sources =
        config.carbon().sources().stream().map(s -> CarbonSourceFactory.create(s, clock)).toList();
    return start(config, clock, sources, GpuBackendFactory.create(config.gpu(), clock));
  }

  /** As {@link #start(GovernorConfig, Clock)}, on a GPU backend the caller holds (tests). */
  static Daemon start(GovernorConfig config, Clock clock, GpuControl backend) {
    List<CarbonSource> sources =
        config.carbon().sources().stream().map(s -> CarbonSourceFactory.create(s, clock)).toList();
    return start(config, clock, sources, backend);
  }

  private static Daemon start(
      GovernorConfig config, Clock clock, List<CarbonSource> sources, GpuControl backend) {
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
    if (!ledger.isEmpty()) {
      log.atWarn()
          .addKeyValue("ledger", ledger.file())
          .log("previous run did not exit cleanly; restoring its GPUs first");
      logRestore(GuardedGpuControl.restore(backend, ledger));
    }
    GuardedGpuControl gpus =
        GuardedGpuControl.builder(backend, ledger)
            .minimumStep(config.gpu().minChange())
            .shadow(config.mode() == GovernorConfig.Mode.SHADOW)
            .build();
    HistoryStore history;
    try {
      history = HistoryStore.open(config.history().url());
    } catch (HistoryException e) {
      gpus.close();
      throw new StartupException(e.getMessage(), e);
    }
    ControlLoop loop =
        new ControlLoop(
            clock,
            new SignalReader(sources, config.zone(), config.carbon().maxAge(), FORECAST_HORIZON),
            config.defaultPolicy().policy(),
            config.failSafe().policy(),
            gpus,
            history,
            profiles);
    TickScheduler scheduler = TickScheduler.create(loop::tick, config.interval());
    Daemon daemon = new Daemon(config, gpus, history, loop, scheduler);
    scheduler.start();
    log.atInfo()
        .addKeyValue("zone", config.zone())
        .addKeyValue("gpus", gpus.gpus().size())
        .addKeyValue("backend", config.gpu().backend().word())
        .addKeyValue("mode", config.mode().word())
        .addKeyValue("policy", config.defaultPolicy().kind())
        .addKeyValue("interval", config.interval())
        .addKeyValue("sources", String.join(",", sources.stream().map(CarbonSource::name).toList()))
        .log("controlling");
    return daemon;
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
      scheduler.close();
    } finally {
      try {
        logRestore(gpus.restoreAll());
      } finally {
        history.close();
        gpus.close();
      }
    }
    log.info("stopped");
  }

  /** Asks for a tick now, besides the schedule (it waits for a running tick). */
  public void triggerTick() {
    scheduler.triggerNow();
  }

  public ControlLoop loop() {
    return loop;
  }

  public GovernorConfig config() {
    return config;
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
