package io.carbongovernor.daemon.history.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The spool's own bookkeeping, in its {@code spool_state} table: marks and the last instance. */
final class SpoolState {

  static final String INSTANCE = "instance";

  private SpoolState() {}

  static Optional<String> get(Connection spool, String key) throws SQLException {
    try (PreparedStatement ps = spool.prepareStatement("SELECT value FROM spool_state WHERE key = ?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  static void put(Connection spool, String key, String value) throws SQLException {
    try (PreparedStatement ps = spool.prepareStatement(
        "INSERT INTO spool_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")) {
      ps.setString(1, key);
      ps.setString(2, value);
      ps.executeUpdate();
    }
  }

  /** The highest id sent (or dropped unsent) of an append-only table; 0 before any. */
  static long mark(Connection spool, String key) throws SQLException {
    return get(spool, key).map(Long::parseLong).orElse(0L);
  }

  /** Moves a mark up to {@code through}; a mark already higher stays. */
  static void raiseMark(Connection spool, String key, long through) throws SQLException {
    if (through > mark(spool, key)) {
      put(spool, key, Long.toString(through));
    }
  }
}
