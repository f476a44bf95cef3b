package io.carbongovernor.daemon.history;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * Explicit transactions on a connection left in autocommit. After SQLITE_FULL or an I/O error
 * SQLite may already have rolled the transaction back; the driver's own commit and rollback
 * would then fail with "no transaction is active" and that would be the error reported. Here the
 * first failure is the one thrown, and a rollback that fails only rides along with it.
 */
public final class Transactions {

  /** SQL that may fail, on the connection it was given. */
  public interface Work {
    void run(Connection connection) throws SQLException;
  }

  private Transactions() {}

  /** Runs {@code work} in one write transaction (the write lock taken at its start). */
  static void write(Connection connection, Work work) throws SQLException {
    execute(connection, "BEGIN IMMEDIATE");
    try {
      work.run(connection);
      execute(connection, "COMMIT");
    } catch (SQLException | RuntimeException e) {
      rollback(connection, e);
      throw e;
    }
  }

  /** Ends a transaction that failed, if SQLite has not already; never replaces {@code cause}. */
  static void rollback(Connection connection, Exception cause) {
    rollback(connection).ifPresent(cause::addSuppressed);
  }

  /** Ends the transaction if one is open; what went wrong when that failed. */
  static Optional<SQLException> rollback(Connection connection) {
    try {
      execute(connection, "ROLLBACK");
      return Optional.empty();
    } catch (SQLException e) {
      return String.valueOf(e.getMessage()).contains("no transaction is active") ? Optional.empty() : Optional.of(e);
    }
  }

  static void execute(Connection connection, String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }
}
