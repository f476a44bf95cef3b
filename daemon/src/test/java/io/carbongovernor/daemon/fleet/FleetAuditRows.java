package io.carbongovernor.daemon.fleet;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/** The fleet_job_runs table as tests read it, and a bounded wait on it. */
public final class FleetAuditRows {

  /** One audited firing; {@code outcome} null while it runs. */
  public record Row(String job, long scheduledMs, String node, String instance, long startedMs, String outcome,
      int attempts) {}

  private FleetAuditRows() {}

  public static List<Row> read(Callable<Connection> connect, String job) throws Exception {
    List<Row> rows = new ArrayList<>();
    try (Connection c = connect.call();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT job, scheduled_ms, node, instance, started_ms, outcome, attempts FROM fleet_job_runs"
            + " WHERE job = '" + job.replace("'", "''") + "' ORDER BY scheduled_ms")) {
      while (rs.next()) {
        rows.add(new Row(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
            rs.getInt(7)));
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return rows; // not migrated yet
      }
      throw e;
    }
    return rows;
  }

  /** Polls until the rows satisfy {@code done}; fails after {@code limit}. */
  public static List<Row> await(Callable<Connection> connect, String job, Duration limit, String what,
      Predicate<List<Row>> done) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    List<Row> rows = read(connect, job);
    while (!done.test(rows)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit + ": " + what + "; audit rows: " + rows);
      }
      Thread.sleep(200);
      rows = read(connect, job);
    }
    return rows;
  }
}
