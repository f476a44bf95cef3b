package io.carbongovernor.daemon.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The {@code fleet_job_runs} table: one row per job and scheduled fire time, claimed when a node
 * starts the firing and completed when it ends, so that an admin sees which node ran what.
 */
final class FleetAudit {

  /** What a claim found. */
  enum Claim {
    /** The firing's first start. */
    FIRST,
    /** A start before this one never finished (its node died): this one takes it over. */
    TAKEN_OVER,
    /** The firing had finished already; a node that died before Quartz heard of it is rerun. */
    FINISHED
  }

  /** The longest detail kept: a message, not a log. */
  private static final int DETAIL_CHARS = 500;

  private final FleetConnections connections;

  FleetAudit(FleetConnections connections) {
    this.connections = connections;
  }

  Claim claim(String job, Instant scheduled, FleetNode node, Instant started) throws SQLException {
    try (Connection c = connections.getConnection();
        PreparedStatement st = c.prepareStatement(
            "INSERT INTO fleet_job_runs (job, scheduled_ms, node, instance, started_ms) VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT (job, scheduled_ms) DO UPDATE SET node = EXCLUDED.node,"
                + " instance = EXCLUDED.instance, started_ms = EXCLUDED.started_ms,"
                + " attempts = fleet_job_runs.attempts + 1"
                + " WHERE fleet_job_runs.outcome IS NULL"
                + " RETURNING attempts")) {
      st.setString(1, job);
      st.setLong(2, scheduled.toEpochMilli());
      st.setString(3, node.node());
      st.setString(4, node.instance());
      st.setLong(5, started.toEpochMilli());
      try (ResultSet rs = st.executeQuery()) {
        if (!rs.next()) {
          return Claim.FINISHED;
        }
        return rs.getInt(1) == 1 ? Claim.FIRST : Claim.TAKEN_OVER;
      }
    }
  }

  void finish(String job, Instant scheduled, FleetNode node, Instant finished, FleetOutcome outcome, String detail)
      throws SQLException {
    try (Connection c = connections.getConnection();
        PreparedStatement st = c.prepareStatement(
            "UPDATE fleet_job_runs SET finished_ms = ?, outcome = ?, detail = ?"
                + " WHERE job = ? AND scheduled_ms = ? AND instance = ?")) {
      st.setLong(1, finished.toEpochMilli());
      st.setString(2, outcome.word());
      st.setString(3, detail.length() > DETAIL_CHARS ? detail.substring(0, DETAIL_CHARS) : detail);
      st.setString(4, job);
      st.setLong(5, scheduled.toEpochMilli());
      st.setString(6, node.instance());
      st.executeUpdate();
    }
  }
}
