package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Instant;
import java.util.List;

/**
 * Where the daemon records what it saw and did. Writes never throw: a full disk or a locked
 * database must not stop the control loop, so failures are logged and counted instead.
 */
public interface HistoryStore extends AutoCloseable {

  void recordSignal(Instant recordedAt, CarbonSignal signal);

  void recordDecisions(List<DecisionRecord> decisions);

  /** Writes that failed since the store was opened. */
  long failedWrites();

  @Override
  void close();

  /**
   * Opens (creating and migrating if needed) the store behind a JDBC URL.
   *
   * @throws HistoryException when the database cannot be opened or has a newer schema
   */
  static HistoryStore open(String jdbcUrl) {
    return SqliteHistoryStore.open(jdbcUrl);
  }
}
