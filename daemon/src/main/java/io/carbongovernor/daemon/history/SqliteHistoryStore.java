package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQLite in WAL mode: one writer (the daemon) and any number of readers (reports) at once. One
 * connection, used under this object's lock; writes are small and few per tick.
 */
final class SqliteHistoryStore implements HistoryStore {

  private static final Logger log = LoggerFactory.getLogger("history");

  private final Connection connection;
  private final AtomicLong failedWrites = new AtomicLong();

  private SqliteHistoryStore(Connection connection) {
    this.connection = connection;
  }

  static SqliteHistoryStore open(String jdbcUrl) {
    try {
      createParentFolder(jdbcUrl);
      Connection connection = DriverManager.getConnection(jdbcUrl);
      try (Statement st = connection.createStatement()) {
        st.execute("PRAGMA journal_mode=WAL");
        st.execute("PRAGMA synchronous=NORMAL");
        st.execute("PRAGMA busy_timeout=2000");
        st.execute("PRAGMA foreign_keys=ON");
      }
      int before = Migrations.migrate(connection);
      if (before < Migrations.latestVersion()) {
        log.atInfo()
            .addKeyValue("url", jdbcUrl)
            .addKeyValue("from_version", before)
            .addKeyValue("to_version", Migrations.latestVersion())
            .log("history schema migrated");
      }
      return new SqliteHistoryStore(connection);
    } catch (SQLException | IOException e) {
      throw new HistoryException("cannot open history " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  private static void createParentFolder(String jdbcUrl) throws IOException {
    String prefix = "jdbc:sqlite:";
    if (jdbcUrl.startsWith(prefix) && !jdbcUrl.contains(":memory:")) {
      String file = jdbcUrl.substring(prefix.length());
      int query = file.indexOf('?');
      Path parent = Path.of(query >= 0 ? file.substring(0, query) : file).toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
    }
  }

  @Override
  public synchronized void recordSignal(Instant recordedAt, CarbonSignal signal) {
    String sql =
        "INSERT INTO signals (recorded_at_ms, zone, source, slot_start_ms, slot_end_ms,"
            + " intensity_g_per_kwh, kind, estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, recordedAt.toEpochMilli());
      ps.setString(2, signal.zone());
      ps.setString(3, signal.source());
      ps.setLong(4, signal.start().toEpochMilli());
      ps.setLong(5, signal.end().toEpochMilli());
      ps.setDouble(6, signal.intensity().gramsPerKwh());
      ps.setString(7, signal.kind().word());
      ps.setInt(8, signal.estimated() ? 1 : 0);
      ps.executeUpdate();
    } catch (SQLException e) {
      failed("signal", e);
    }
  }

  @Override
  public synchronized void recordDecisions(List<DecisionRecord> decisions) {
    String sql =
        "INSERT INTO decisions (decided_at_ms, gpu_uuid, gpu_index, policy, fail_safe,"
            + " previous_limit_mw, target_limit_mw, outcome, reason, intensity_g_per_kwh, source)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    try {
      connection.setAutoCommit(false);
      try (PreparedStatement ps = connection.prepareStatement(sql)) {
        for (DecisionRecord d : decisions) {
          ps.setLong(1, d.at().toEpochMilli());
          ps.setString(2, d.gpu().uuid());
          ps.setInt(3, d.gpu().index());
          ps.setString(4, d.policy());
          ps.setInt(5, d.failSafe() ? 1 : 0);
          if (d.previousLimit().isPresent()) {
            ps.setLong(6, d.previousLimit().get().milliwatts());
          } else {
            ps.setNull(6, Types.INTEGER);
          }
          ps.setLong(7, d.targetLimit().milliwatts());
          ps.setString(8, d.outcome());
          ps.setString(9, d.reason());
          if (d.signal().isPresent()) {
            ps.setDouble(10, d.signal().get().intensity().gramsPerKwh());
            ps.setString(11, d.signal().get().source());
          } else {
            ps.setNull(10, Types.REAL);
            ps.setNull(11, Types.VARCHAR);
          }
          ps.addBatch();
        }
        ps.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      failed("decisions", e);
    }
  }

  private void failed(String what, SQLException e) {
    long count = failedWrites.incrementAndGet();
    log.atWarn()
        .addKeyValue("what", what)
        .addKeyValue("failed_writes", count)
        .addKeyValue("error", e.getMessage())
        .log("history write failed; control continues");
  }

  @Override
  public long failedWrites() {
    return failedWrites.get();
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      log.atWarn().addKeyValue("error", e.getMessage()).log("closing history failed");
    }
  }
}
