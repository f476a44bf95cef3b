package io.carbongovernor.daemon.history;

import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * The node's own SQLite file (its history, or in a fleet its spool) for state that must not be
 * lost, such as submitted jobs: unlike the history store's writes, these commit with a full
 * fsync, and a failure is the caller's to handle.
 */
public final class LocalDatabase {

  /** How long a write waits for the history writer's lock before it fails as busy. */
  public static final Duration BUSY_TIMEOUT = Duration.ofSeconds(5);

  private LocalDatabase() {}

  /**
   * The node's SQLite file for a configuration: the history file, or in a fleet {@code
   * stateDir/spool.db}; empty for an in-memory history.
   */
  public static Optional<Path> of(HistoryConfig config, Path stateDir) {
    if (PostgresConnections.serves(config.url())) {
      return Optional.of(stateDir.resolve(SpoolDatabase.FILE_NAME).toAbsolutePath());
    }
    return HistoryFile.of(config.url()).map(HistoryFile::path);
  }

  /**
   * Opens a connection of its own to {@code file} (created with the history's mode where absent),
   * migrated to this build's schema, every commit synchronous (FULL), waiting {@link
   * #BUSY_TIMEOUT} for the history writer's lock.
   *
   * @throws HistoryException when the database has a newer schema than this build
   */
  public static Connection open(Path file) throws SQLException, IOException {
    HistoryFile f = new HistoryFile(file);
    f.createIfAbsent(Optional.empty());
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + f.path());
    try {
      // The history's own settings (no mapped memory, never WAL), with a full fsync per commit.
      SqliteHistoryStore.configure(c, BUSY_TIMEOUT, "FULL");
      Migrations.SQLITE.migrate(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** Runs {@code work} in one write transaction, the write lock taken at its start. */
  public static void write(Connection connection, Transactions.Work work) throws SQLException {
    Transactions.write(connection, work);
  }
}
