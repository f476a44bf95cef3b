package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.RunOutcome;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.postgres.FleetHistoryStore;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the daemon records what it saw and did. Nothing here throws once open: a full disk, a
 * read-only, locked, deleted or damaged database must not stop the control loop, so each
 * problem is logged once with its cause, counted ({@link #health()}), and the next operation
 * tries again. Reports read what it writes through a {@link RollupReader}, which fails loudly
 * instead; a backend implements both.
 */
public interface HistoryStore extends AutoCloseable {

  default void recordSignal(Instant recordedAt, CarbonSignal signal) {
    recordSignals(recordedAt, List.of(signal));
  }

  /**
   * Slots recorded at one instant, in one write: the live signal, or history fetched from the
   * sources to fill what the daemon did not see, so that a restart need not ask again.
   */
  void recordSignals(Instant recordedAt, List<CarbonSignal> signals);

  /**
   * The signals recorded for slots that start at or after {@code from}, the last recorded of each
   * slot, oldest first: what the control loop had seen before a restart. Empty if unreadable.
   */
  List<CarbonSignal> signalsSince(Instant from);

  void recordDecisions(List<DecisionRecord> decisions);

  /** One sample period's energy rows, raw and added into their minute and hour rollups. */
  void recordEnergy(List<EnergyRecord> records);

  /** A period in which a GPU could not be read: a gap in its history, not a zero. */
  void recordGap(String gpuUuid, Instant start, Instant end, String reason);

  /**
   * Grams CO2e emitted by each team (key as in {@link EnergyRecord#team()}) since {@code from},
   * from the hour rollups; empty (and logged) when it cannot be read.
   */
  Map<String, Double> emissionsByTeamSince(Instant from);

  /** A finished run of a recurring job, appended to what the batch-size advisor has learned. */
  void recordBatchRun(JobKey job, RunOutcome outcome, Instant finishedAt);

  /** Every finished run, in order per job; empty (and logged) when it cannot be read. */
  AdvisorState batchRuns();

  /** Deletes raw samples, minute and hour rows older than the retention allows, as of {@code now}. */
  void prune(Instant now, Retention retention);

  /** What failed since the store was opened, by cause; cheap, never waits for a write. */
  HistoryHealth health();

  /** Where a fleet node's spool stands; empty for a node's own history. Cheap, no I/O. */
  default Optional<SpoolStatus> spool() {
    return Optional.empty();
  }

  @Override
  void close();

  /** As {@link #open(String, Clock)} on the system clock. */
  static HistoryStore open(String jdbcUrl) {
    return open(jdbcUrl, Clock.systemUTC());
  }

  /**
   * Opens (creating and migrating if needed) the store behind a JDBC URL. A database that
   * cannot be opened now is logged and tried again at each operation; a damaged one is moved
   * aside (named by {@code clock}'s time) and a new one started.
   *
   * @throws HistoryException only when the database has a newer schema than this build
   */
  static HistoryStore open(String jdbcUrl, Clock clock) {
    return SqliteHistoryStore.open(jdbcUrl, clock);
  }

  /**
   * Opens the history a configuration names: a SQLite file as {@link #open(String, Clock)}; for a
   * fleet's PostgreSQL, a spool in {@code stateDir} that a background shipper sends from, so that
   * control never waits for the database.
   *
   * @throws HistoryException when the database has a newer schema than this build, or a fleet
   *     node has no usable id
   */
  static HistoryStore open(HistoryConfig config, Path stateDir, Clock clock) {
    if (PostgresConnections.serves(config.url())) {
      return FleetHistoryStore.open(config, stateDir, clock);
    }
    return open(config.url(), clock);
  }

  /**
   * The node's own SQLite file, which other node-local tables (the queue's) live beside: the
   * history's file, or a fleet node's spool; for an in-memory history, {@code queue.db} in
   * {@code stateDir}, so that what must survive a restart does.
   */
  static Path localDatabase(HistoryConfig config, Path stateDir) {
    if (PostgresConnections.serves(config.url())) {
      return stateDir.resolve(SpoolDatabase.FILE_NAME);
    }
    return HistoryFile.of(config.url()).map(HistoryFile::path).orElse(stateDir.resolve("queue.db"));
  }
}
