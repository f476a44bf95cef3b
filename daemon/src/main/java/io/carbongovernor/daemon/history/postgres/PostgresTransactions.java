package io.carbongovernor.daemon.history.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** Transactions on a fleet connection left in autocommit: committed whole, or rolled back with the first failure kept. */
public final class PostgresTransactions {

  /** SQL with a result, run on the connection it is given. */
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private PostgresTransactions() {}

  public static <T> T run(Connection connection, Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException r) {
        e.addSuppressed(r);
      }
      throw e;
    } finally {
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // a broken connection is closed by the caller's failure handling
      }
    }
  }
}
