package io.carbongovernor.daemon.history;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One query of a {@link RollupReader}, for every backend: its rows read one result each, and any
 * failure a {@link HistoryReadException}. A value that breaks a unit's bounds (a negative
 * energy, written by something other than the daemon) fails the read, named, rather than make a
 * report of it.
 */
public final class RollupQuery {

  /** Sets a statement's parameters. */
  public interface Parameters {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** A query's rows, one result each. */
  public interface RowReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  private RollupQuery() {}

  public static <T> List<T> run(Connection db, String sql, Parameters parameters, RowReader<T> reader)
      throws HistoryReadException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      parameters.bind(ps);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(reader.read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new HistoryReadException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new HistoryReadException("the history holds a value out of range: " + e.getMessage(), e);
    }
  }
}
