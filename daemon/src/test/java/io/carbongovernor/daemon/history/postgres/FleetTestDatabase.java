package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.testing.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A fleet database for tests, filled the way nodes fill it: each node's own SQLite history copied
 * row for row into the fleet schema under the node's id, rollups stamped with when they were sent.
 */
public final class FleetTestDatabase {

  private final PostgresServer.Database db;

  private FleetTestDatabase(PostgresServer.Database db) {
    this.db = db;
  }

  /** A new fleet database with the current schema. */
  public static FleetTestDatabase create(String prefix, String password) throws SQLException {
    PostgresServer.Database db = PostgresServer.shared().createDatabase(prefix, password);
    try (Connection c = PostgresConnections.open(db.url(), login(db), Duration.ofSeconds(30))) {
      Migrations.POSTGRESQL.migrate(c);
    }
    return new FleetTestDatabase(db);
  }

  public PostgresServer.Database database() {
    return db;
  }

  /** The owning role's login. */
  public DatabaseLogin login() {
    return login(db);
  }

  private static DatabaseLogin login(PostgresServer.Database db) {
    return new DatabaseLogin(Optional.of(db.user()), Optional.of(Secret.of(db.password())));
  }

  /**
   * Copies the energy rows of the SQLite history at {@code sqliteUrl} as those of {@code node},
   * its rollups sent at {@code sent}.
   */
  public void copy(String sqliteUrl, String node, Instant sent) throws SQLException {
    try (Connection from = DriverManager.getConnection(sqliteUrl); Connection to = db.connect()) {
      to.setAutoCommit(false);
      copyTable(from, to, "energy_raw", node, Optional.empty());
      copyTable(from, to, "energy_minute", node, Optional.of(sent));
      copyTable(from, to, "energy_hour", node, Optional.of(sent));
      to.commit();
    }
  }

  /** The history's own columns: not the row id, nor the spool's bookkeeping of what it sent. */
  private static boolean copied(String column) {
    return !List.of("id", "changes", "shipped").contains(column);
  }

  private static void copyTable(Connection from, Connection to, String table, String node, Optional<Instant> sent)
      throws SQLException {
    try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
      ResultSetMetaData meta = rs.getMetaData();
      List<String> columns = new ArrayList<>(List.of("node"));
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        if (copied(meta.getColumnName(i))) {
          columns.add(meta.getColumnName(i));
        }
      }
      sent.ifPresent(s -> columns.add("updated_ms"));
      String sql = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
          + String.join(", ", columns.stream().map(c -> "?").toList()) + ")";
      try (PreparedStatement insert = to.prepareStatement(sql)) {
        while (rs.next()) {
          int p = 1;
          insert.setString(p++, node);
          for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (copied(meta.getColumnName(i))) {
              insert.setObject(p++, rs.getObject(i));
            }
          }
          if (sent.isPresent()) {
            insert.setLong(p, sent.get().toEpochMilli());
          }
          insert.addBatch();
        }
        insert.executeBatch();
      }
    }
  }
}
