package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.DecisionRecord;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryHealth;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.SpoolDatabase;
import io.carbongovernor.daemon.history.SpoolStatus;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.RunOutcome;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fleet node's history: every write goes to the node's own SQLite spool ({@code
 * state-dir/spool.db}), so the control loop never waits on the fleet's PostgreSQL; a background
 * shipper sends what the spool holds to the fleet database, each row with this node's id.
 *
 * <p>The control loop's reads (signals seen, batch runs) come from the spool. A team's emissions
 * for its monthly budget are the fleet's, as the shipper last read them (at most {@link #window}
 * old); while the fleet database is away they are this node's own, from the spool, and the log
 * says so once.
 */
public final class FleetHistoryStore implements HistoryStore {

  private static final Logger log = LoggerFactory.getLogger("history");

  /** How often the shipper sends. */
  static final Duration SHIP_EVERY = Duration.ofSeconds(5);

  /** The longest wait between attempts while the fleet database is away. */
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** How many rounds a clean stop spends sending what is left, the database being there. */
  private static final int FINAL_ROUNDS = 5;

  private final Spool spool;
  private final Shipper shipper;
  private final Clock clock;
  private final Duration window;
  private final Optional<ScheduledThreadPoolExecutor> thread;
  private final Duration every;
  private volatile boolean closed;
  private volatile boolean ownEmissionsLogged;

  private FleetHistoryStore(Spool spool, Shipper shipper, Clock clock, Duration window, Optional<Duration> every) {
    this.spool = spool;
    this.shipper = shipper;
    this.clock = clock;
    this.window = window;
    this.every = every.orElse(SHIP_EVERY);
    this.thread = every.map(e -> {
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread th = new Thread(r, "fleet-shipper");
        th.setDaemon(true);
        return th;
      });
      t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      return t;
    });
  }

  /**
   * Opens the spool in {@code stateDir} and starts the shipper; nothing here waits for the fleet
   * database.
   *
   * @throws io.carbongovernor.daemon.history.HistoryException when the node has no usable id (no
   *     {@code history.node-id} and no readable {@code /etc/machine-id}), or the spool a newer
   *     schema than this build
   */
  public static FleetHistoryStore open(HistoryConfig config, Path stateDir, Clock clock) {
    return open(config, stateDir, clock, NodeIdentity.MACHINE_ID, NodeIdentity.localHostname(), Optional.of(SHIP_EVERY),
        table -> {});
  }

  /**
   * As {@link #open(HistoryConfig, Path, Clock)}, for tests: the machine-id file, the host name,
   * and how often the shipper runs (empty: no thread, rounds run by {@link #shipNow()}).
   */
  static FleetHistoryStore open(HistoryConfig config, Path stateDir, Clock clock, Path machineId, String hostname,
      Optional<Duration> shipEvery, Consumer<FleetTable> afterCommit) {
    NodeIdentity identity = new NodeIdentity(NodeIdentity.nodeId(config.nodeId(), machineId), hostname);
    SpoolDatabase db = SpoolDatabase.open(stateDir, clock);
    String instance = UUID.randomUUID().toString();
    Optional<String> previous = db.read("reading the spool's instance", Optional.empty(),
        c -> SpoolState.get(c, SpoolState.INSTANCE));
    db.write("recording the spool's instance", c -> SpoolState.put(c, SpoolState.INSTANCE, instance));
    Duration every = shipEvery.orElse(SHIP_EVERY);
    Duration window = every.multipliedBy(3).compareTo(Duration.ofMinutes(1)) > 0
        ? every.multipliedBy(3) : Duration.ofMinutes(1);
    Spool spool = new Spool(db, config.spoolMaxSamples());
    spool.bound();
    NodeClaim claim = new NodeClaim(identity, instance, previous, window);
    Shipper shipper = new Shipper(config.url(), config.login(), identity, claim, spool, clock, afterCommit);
    FleetHistoryStore store = new FleetHistoryStore(spool, shipper, clock, window, shipEvery);
    log.atInfo()
        .addKeyValue("url", PostgresConnections.redacted(config.url()))
        .addKeyValue("node", identity.node())
        .addKeyValue("hostname", identity.hostname())
        .addKeyValue("spool", stateDir.resolve(SpoolDatabase.FILE_NAME))
        .log("fleet history: writing to the local spool, sending to the fleet database");
    store.thread.ifPresent(t -> t.execute(store::shipAndReschedule));
    return store;
  }

  private void shipAndReschedule() {
    if (closed) {
      return;
    }
    Shipper.Result result = shipper.round();
    Duration delay = shipper.delayAfter(result, every, MAX_BACKOFF);
    thread.ifPresent(t -> {
      if (!closed) {
        t.schedule(this::shipAndReschedule, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  /** One shipping round now, on the caller's thread (tests). */
  Shipper.Result shipNow() {
    return shipper.round();
  }

  @Override
  public void recordSignals(Instant recordedAt, List<CarbonSignal> signals) {
    spool.db().store().recordSignals(recordedAt, signals);
  }

  @Override
  public List<CarbonSignal> signalsSince(Instant from) {
    return spool.db().store().signalsSince(from);
  }

  @Override
  public void recordDecisions(List<DecisionRecord> decisions) {
    spool.db().store().recordDecisions(decisions);
  }

  @Override
  public void recordEnergy(List<EnergyRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    spool.db().store().recordEnergy(records);
    spool.bound();
  }

  @Override
  public void recordGap(String gpuUuid, Instant start, Instant end, String reason) {
    spool.db().store().recordGap(gpuUuid, start, end, reason);
  }

  @Override
  public Map<String, Double> emissionsByTeamSince(Instant from) {
    long fromHour = Math.floorDiv(from.toEpochMilli(), 3_600_000L) * 3_600_000L;
    Optional<Map<String, Double>> fleet = shipper.fleetEmissions(fromHour, clock.instant(), window);
    if (fleet.isPresent()) {
      ownEmissionsLogged = false;
      return fleet.get();
    }
    if (!ownEmissionsLogged) {
      ownEmissionsLogged = true;
      log.warn("team budgets count this node's own emissions until the fleet's can be read from the fleet database");
    }
    return spool.db().store().emissionsByTeamSince(from);
  }

  @Override
  public void recordBatchRun(JobKey job, RunOutcome outcome, Instant finishedAt) {
    spool.db().store().recordBatchRun(job, outcome, finishedAt);
  }

  @Override
  public AdvisorState batchRuns() {
    return spool.db().store().batchRuns();
  }

  /** Prunes the spool only; the fleet database's retention is the fleet's own job. */
  @Override
  public void prune(Instant now, Retention retention) {
    spool.prune(now, retention);
  }

  @Override
  public HistoryHealth health() {
    return spool.db().store().health();
  }

  @Override
  public Optional<SpoolStatus> spool() {
    return Optional.of(new SpoolStatus(spool.unsentSamples(), spool.droppedSamples(), shipper.rowsSent(),
        shipper.lastSent(), shipper.reachable(), shipper.refusedNow()));
  }

  /**
   * Stops the shipper (a round under way ends first), sends what is left if the fleet database is
   * there, gives the node id up and closes the spool. Safe to call twice.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    thread.ifPresent(t -> {
      t.shutdown();
      try {
        if (!t.awaitTermination(Shipper.SOCKET_TIMEOUT.multipliedBy(2).toSeconds(), TimeUnit.SECONDS)) {
          t.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    if (shipper.reachable()) {
      for (int i = 0; i < FINAL_ROUNDS && shipper.round() == Shipper.Result.MORE; i++) {
        // a clean stop sends what is left while the database answers; the rest waits in the spool
      }
    }
    shipper.close();
    spool.db().close();
  }
}
