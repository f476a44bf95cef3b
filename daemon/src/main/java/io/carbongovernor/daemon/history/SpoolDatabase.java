package io.carbongovernor.daemon.history;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;

/**
 * A fleet node's local spool: a SQLite history whose rollup rows count their changes, opened and
 * kept usable as a node's own history is (a deleted, damaged, read-only or full database is
 * logged, counted and started over, never thrown). The fleet's shipper reads and acknowledges
 * what it sent through {@link #read} and {@link #write}, under the same lock as the store's writes.
 */
public final class SpoolDatabase implements AutoCloseable {

  /** The spool's file name in the state directory. */
  public static final String FILE_NAME = "spool.db";

  /** SQL on the spool's connection, with a result. */
  public interface Query<T> {
    T run(Connection connection) throws SQLException;
  }

  /** SQL on the spool's connection inside one write transaction. */
  public interface Update {
    void run(Connection connection) throws SQLException;
  }

  private final SqliteHistoryStore store;

  private SpoolDatabase(SqliteHistoryStore store) {
    this.store = store;
  }

  /**
   * Opens (creating and migrating) {@code stateDir/spool.db}.
   *
   * @throws HistoryException only when the spool has a newer schema than this build
   */
  public static SpoolDatabase open(Path stateDir, Clock clock) {
    return new SpoolDatabase(SqliteHistoryStore.open("jdbc:sqlite:" + stateDir.resolve(FILE_NAME), clock, true));
  }

  /** The node's history as the control loop writes and reads it. */
  public HistoryStore store() {
    return store;
  }

  /** {@code fallback} (the failure logged and counted) when the spool cannot be read. */
  public <T> T read(String what, T fallback, Query<T> query) {
    return store.read(what, fallback, query::run);
  }

  /** Whether the transaction committed; a failure is logged and counted. */
  public boolean write(String what, Update update) {
    return store.committed(what, update::run);
  }

  @Override
  public void close() {
    store.close();
  }
}
