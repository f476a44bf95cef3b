package io.carbongovernor.daemon.history.postgres;

import java.sql.Connection;
import java.sql.SQLException;

/** Transactions on a fleet connection left in autocommit. */
final class Fleet {

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private Fleet() {}

  static <T> T transaction(Connection connection, Work<T> work) throws SQLException {
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
