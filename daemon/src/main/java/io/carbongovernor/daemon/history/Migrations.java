package io.carbongovernor.daemon.history;

import io.carbongovernor.daemon.history.postgres.PostgresTransactions;
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
 * Versioned schema scripts of one backend, applied in order inside one transaction each. The
 * database records the version it reached in {@code schema_version}; a database newer than this
 * build is refused rather than written with a schema it does not know.
 */
public final class Migrations {

  /** SQL that opens a backend's write transaction, and the one that ends it. */
  private interface Transaction {
    void run(Connection connection, Transactions.Work work) throws SQLException;
  }

  /** A node's own history (and, in a fleet, its spool). */
  public static final Migrations SQLITE =
      new Migrations(
          "sqlite/",
          List.of("V1__signals_and_decisions.sql", "V2__energy_and_rollups.sql", "V3__batch_size_runs.sql",
              "V4__fleet_spool.sql",
              "V5__job_queue.sql"),
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT",
          Transactions::write);

  /**
   * A fleet's shared history. Nodes that start together migrate one at a time: each takes the
   * same transaction-scoped advisory lock first, so the second finds the work done.
   */
  public static final Migrations POSTGRESQL =
      new Migrations(
          "postgresql/",
          List.of("V1__fleet_history.sql", "V2__quartz_cluster.sql"),
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
          Migrations::postgresTransaction);

  /** The advisory lock key migrations take: "cgschema" in ASCII. */
  private static final long MIGRATION_LOCK = 0x6367736368656d61L;

  private final String directory;
  private final List<String> scripts;
  private final String versionTable;
  private final Transaction transaction;

  private Migrations(String directory, List<String> scripts, String versionTable, Transaction transaction) {
    this.directory = directory;
    this.scripts = List.copyOf(scripts);
    this.versionTable = versionTable;
    this.transaction = transaction;
  }

  public int latestVersion() {
    return scripts.size();
  }

  /**
   * Brings the schema up to the latest version; returns the version found before.
   *
   * @throws HistoryException when the database has a newer schema (a downgrade, not damage)
   */
  public int migrate(Connection connection) throws SQLException {
    int[] before = new int[1];
    transaction.run(connection, c -> {
      Transactions.execute(c, versionTable);
      before[0] = currentVersion(c);
    });
    for (int v = before[0] + 1; v <= latestVersion(); v++) {
      int version = v;
      transaction.run(
          connection,
          c -> {
            if (currentVersion(c) >= version) {
              return; // another node applied it while this one waited for the lock
            }
            try (Statement st = c.createStatement()) {
              for (String sql : script(scripts.get(version - 1)).split(";\\s*(\\n|$)")) {
                if (!sql.isBlank()) {
                  st.execute(sql);
                }
              }
              st.execute("DELETE FROM schema_version");
              st.execute("INSERT INTO schema_version (version) VALUES (" + version + ")");
            }
          });
    }
    return before[0];
  }

  /**
   * The version the database reached.
   *
   * @throws HistoryException when it is newer than this build
   */
  public int currentVersion(Connection connection) throws SQLException {
    int current;
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
      current = rs.next() ? rs.getInt(1) : 0;
    }
    if (current > latestVersion()) {
      throw new HistoryException(
          "history schema version "
              + current
              + " is newer than this build understands ("
              + latestVersion()
              + "); use a newer carbon-governor");
    }
    return current;
  }

  private static void postgresTransaction(Connection connection, Transactions.Work work) throws SQLException {
    PostgresTransactions.run(connection, c -> {
      Transactions.execute(c, "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ")");
      work.run(c);
      return null;
    });
  }

  private String script(String name) {
    try (InputStream in = Migrations.class.getResourceAsStream(directory + name)) {
      if (in == null) {
        throw new IllegalStateException("schema script missing from the build: " + directory + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.replaceAll("(?m)^\\s*--.*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
