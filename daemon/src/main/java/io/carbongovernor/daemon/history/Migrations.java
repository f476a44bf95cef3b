package io.carbongovernor.daemon.history;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Versioned schema scripts, applied in order inside one transaction each. The database records
 * the version it reached in {@code schema_version}; a database newer than this build is refused
 * rather than written with a schema it does not know.
 */
final class Migrations {

  /** Scripts on the classpath next to this class, in version order: {@code V<n>__<what>.sql}. */
  static final List<String> SCRIPTS =
      List.of(
          "V1__signals_and_decisions.sql",
          "V2__energy_and_rollups.sql",
          "V3__batch_size_runs.sql");

  private Migrations() {}

  static int latestVersion() {
    return SCRIPTS.size();
  }

  /**
   * Brings the schema up to the latest version; returns the version found before.
   *
   * @throws HistoryException when the database has a newer schema (a downgrade, not damage)
   */
  static int migrate(Connection connection) throws SQLException {
    Transactions.execute(
        connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT");
    int current = currentVersion(connection);
    if (current > latestVersion()) {
      throw new HistoryException(
          "history schema version "
              + current
              + " is newer than this build understands ("
              + latestVersion()
              + "); use a newer carbon-governor");
    }
    for (int v = current + 1; v <= latestVersion(); v++) {
      int version = v;
      Transactions.write(
          connection,
          c -> {
            try (Statement st = c.createStatement()) {
              for (String sql : script(SCRIPTS.get(version - 1)).split(";\\s*(\\n|$)")) {
                if (!sql.isBlank()) {
                  st.execute(sql);
                }
              }
              st.execute("DELETE FROM schema_version");
              st.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
            }
          });
    }
    return current;
  }

  static int currentVersion(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String script(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("schema script missing from the build: " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replaceAll("(?m)^\\s*--.*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
