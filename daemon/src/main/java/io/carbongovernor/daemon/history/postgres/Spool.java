package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.SpoolDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's spool as the shipper sees it: what is unsent, what it sends in one batch, the
 * acknowledgement after the fleet database committed, and the bound on unsent raw samples.
 *
 * <p>What the spool keeps: everything unsent; of what was sent, the signals and batch runs (the
 * control loop reads them back), the minute rows of the last hour (samples still add into them)
 * and the hour rows for the configured retention (a team's budget falls back on them). Sent raw
 * samples, decisions and gaps leave it.
 */
final class Spool {

  private static final Logger log = LoggerFactory.getLogger("history");

  /** How long sent minute rows stay: samples add into the current minute's, which is resent whole. */
  static final Duration SENT_MINUTES_KEPT = Duration.ofHours(1);

  private final SpoolDatabase db;
  private final long maxUnsentSamples;
  private final AtomicLong unsent = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  Spool(SpoolDatabase db, long maxUnsentSamples) {
    this.db = db;
    this.maxUnsentSamples = maxUnsentSamples;
  }

  SpoolDatabase db() {
    return db;
  }

  long unsentSamples() {
    return unsent.get();
  }

  long droppedSamples() {
    return dropped.get();
  }

  /**
   * Drops the oldest unsent raw samples beyond the bound, their rollups kept (and still sent, so
   * the fleet's sums stay whole). Unsent raw ids run without holes from the mark up: rows are only
   * added at the top and only removed from the bottom.
   */
  void bound() {
    db.write("bounding the spool", c -> {
      long mark = SpoolState.mark(c, FleetTable.ENERGY_RAW.mark());
      long top = maxId(c);
      long excess = top - mark - maxUnsentSamples;
      if (excess > 0) {
        long through = mark + excess;
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM energy_raw WHERE id > ? AND id <= ?")) {
          ps.setLong(1, mark);
          ps.setLong(2, through);
          ps.executeUpdate();
        }
        SpoolState.raiseMark(c, FleetTable.ENERGY_RAW.mark(), through);
        if (dropped.getAndAdd(excess) == 0) {
          log.atWarn().addKeyValue("max_samples", maxUnsentSamples)
              .log("fleet spool full: dropping the oldest unsent raw samples (their minute and hour sums are kept)");
        }
        mark = through;
      }
      unsent.set(Math.max(0, top - mark));
    });
  }

  private static long maxId(Connection c) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(max(id), 0) FROM energy_raw")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Up to {@code limit} unsent rows of a table, or null when the spool cannot be read now. */
  List<FleetTable.Row> unsent(FleetTable table, int limit) {
    return db.read("reading unsent " + table.table(), null, c -> table.unsent(c,
        table.appendOnly() ? SpoolState.mark(c, table.mark()) : 0, limit));
  }

  /** Whether the acknowledgement committed; if not, the rows are sent again (adding nothing). */
  boolean acknowledge(FleetTable table, List<FleetTable.Row> rows) {
    return db.write("acknowledging sent " + table.table(), c -> {
      table.acknowledge(c, rows);
      if (table == FleetTable.ENERGY_RAW) {
        unsent.set(Math.max(0, maxId(c) - SpoolState.mark(c, table.mark())));
      }
    });
  }

  /**
   * Prunes the spool only (the fleet database has its own retention): sent minute rows older than
   * an hour, sent hour rows older than the retention's hours. Unsent rows stay until sent.
   */
  void prune(Instant now, Retention retention) {
    db.write("pruning the spool", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM energy_minute WHERE changes = shipped AND bucket_ms + 60000 <= ?")) {
        ps.setLong(1, now.minus(SENT_MINUTES_KEPT).toEpochMilli());
        ps.executeUpdate();
      }
      if (retention.hours().isPresent()) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM energy_hour WHERE changes = shipped AND bucket_ms + 3600000 <= ?")) {
          ps.setLong(1, now.minus(retention.hours().get()).toEpochMilli());
          ps.executeUpdate();
        }
      }
    });
  }
}
