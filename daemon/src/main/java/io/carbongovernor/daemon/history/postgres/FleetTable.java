package io.carbongovernor.daemon.history.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A table the spool sends to the fleet database, and how. Append-only tables go in the order of
 * their row ids and are inserted with {@code ON CONFLICT DO NOTHING} on the fleet's natural key;
 * rollup rows go whole, as the spool holds them, and replace the fleet's row. Either way a batch
 * sent twice adds nothing.
 */
enum FleetTable {
  ENERGY_RAW("energy_raw", Kind.APPEND, "id", false,
      List.of("start_ms", "end_ms", "gpu_uuid", "gpu_index", "team", "job", "energy_mj", "baseline_mj",
          "emissions_g", "baseline_g", "intensity_g_per_kwh", "limit_mw", "original_limit_mw", "busy_ms",
          "extra_ms", "throttled_ms", "profile_source")),
  ENERGY_MINUTE("energy_minute", Kind.ROLLUP, null, true, rollupColumns()),
  ENERGY_HOUR("energy_hour", Kind.ROLLUP, null, true, rollupColumns()),
  DECISIONS("decisions", Kind.APPEND, "id", false,
      List.of("decided_at_ms", "gpu_uuid", "gpu_index", "policy", "fail_safe", "previous_limit_mw",
          "target_limit_mw", "outcome", "reason", "intensity_g_per_kwh", "source")),
  /** Kept after sending: the control loop reads the signals it saw before a restart. */
  SIGNALS("signals", Kind.APPEND, "id", true,
      List.of("recorded_at_ms", "zone", "source", "slot_start_ms", "slot_end_ms", "intensity_g_per_kwh", "kind",
          "estimated")),
  GAPS("gaps", Kind.APPEND, "id", false, List.of("gpu_uuid", "start_ms", "end_ms", "reason")),
  /** Kept after sending: the batch-size advisor replays every run. */
  BATCH_RUNS("batch_runs", Kind.APPEND, "rowid", true,
      List.of("team", "job", "seq", "batch_size", "energy_mj", "duration_ms", "emissions_g", "reached", "epochs",
          "finished_ms"));

  enum Kind { APPEND, ROLLUP }

  /** A rollup row's key in the spool (the fleet's adds the node). */
  private static final List<String> ROLLUP_KEY = List.of("bucket_ms", "gpu_uuid", "team", "job", "profile_source");

  private final String table;
  private final Kind kind;
  private final String idColumn;
  private final boolean keptAfterSending;
  private final List<String> columns;

  FleetTable(String table, Kind kind, String idColumn, boolean keptAfterSending, List<String> columns) {
    this.table = table;
    this.kind = kind;
    this.idColumn = idColumn;
    this.keptAfterSending = keptAfterSending;
    this.columns = columns;
  }

  private static List<String> rollupColumns() {
    return List.of("bucket_ms", "gpu_uuid", "team", "job", "profile_source", "gpu_index", "samples", "energy_mj",
        "baseline_mj", "emissions_g", "baseline_g", "unknown_energy_mj", "limit_mw_ms", "busy_ms", "extra_ms",
        "throttled_ms");
  }

  String table() {
    return table;
  }

  /** The spool's high-water mark of an append-only table. */
  String mark() {
    return "sent:" + table;
  }

  /**
   * Rows of one batch as read from the spool: each row's columns in order; {@code position} is the
   * row's id (append-only tables) or its change count when read (rollups).
   */
  record Row(long position, Object[] values) {}

  /** Up to {@code limit} rows the fleet database has not acknowledged, oldest first. */
  List<Row> unsent(Connection spool, long sentThrough, int limit) throws SQLException {
    String cols = String.join(", ", columns);
    String sql = kind == Kind.APPEND
        ? "SELECT " + idColumn + ", " + cols + " FROM " + table + " WHERE " + idColumn + " > ? ORDER BY "
            + idColumn + " LIMIT ?"
        : "SELECT changes, " + cols + " FROM " + table + " WHERE changes > shipped ORDER BY bucket_ms LIMIT ?";
    List<Row> rows = new ArrayList<>();
    try (PreparedStatement ps = spool.prepareStatement(sql)) {
      int p = 1;
      if (kind == Kind.APPEND) {
        ps.setLong(p++, sentThrough);
      }
      ps.setInt(p, limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Object[] values = new Object[columns.size()];
          for (int i = 0; i < values.length; i++) {
            values[i] = rs.getObject(i + 2);
          }
          rows.add(new Row(rs.getLong(1), values));
        }
      }
    }
    return rows;
  }

  /** Writes a batch into the fleet database, each row with {@code node} (no commit here). */
  void send(Connection fleet, String node, List<Row> rows, long nowMs) throws SQLException {
    String names = String.join(", ", columns);
    String params = Stream.generate(() -> "?").limit(columns.size()).collect(Collectors.joining(", "));
    String sql;
    if (kind == Kind.APPEND) {
      sql = "INSERT INTO " + table + " (node, " + names + ") VALUES (?, " + params + ") ON CONFLICT DO NOTHING";
    } else {
      String set = columns.stream()
          .filter(c -> !ROLLUP_KEY.contains(c))
          .map(c -> c + " = excluded." + c)
          .collect(Collectors.joining(", "));
      sql = "INSERT INTO " + table + " (node, " + names + ", updated_ms) VALUES (?, " + params + ", ?)"
          + " ON CONFLICT (bucket_ms, node, gpu_uuid, team, job, profile_source) DO UPDATE SET " + set
          + ", updated_ms = excluded.updated_ms";
    }
    try (PreparedStatement ps = fleet.prepareStatement(sql)) {
      for (Row row : rows) {
        ps.setString(1, node);
        for (int i = 0; i < row.values().length; i++) {
          Object v = row.values()[i];
          if (v == null) {
            ps.setNull(i + 2, Types.NULL);
          } else {
            ps.setObject(i + 2, v);
          }
        }
        if (kind == Kind.ROLLUP) {
          ps.setLong(columns.size() + 2, nowMs);
        }
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Records in the spool that the fleet database committed {@code rows}: an append-only table's
   * mark moves up to the last (never down: rows dropped meanwhile may have moved it further), and
   * rows not kept locally leave the spool; a rollup row is marked sent as of the change count read,
   * so a change made while it was on its way is sent again. Returns the append-only mark.
   */
  void acknowledge(Connection spool, List<Row> rows) throws SQLException {
    if (kind == Kind.APPEND) {
      long last = rows.get(rows.size() - 1).position();
      SpoolState.raiseMark(spool, mark(), last);
      if (!keptAfterSending) {
        // The newest row always stays: SQLite gives a new row the highest id plus one, so an empty
        // table would hand out ids below the mark again.
        try (PreparedStatement ps = spool.prepareStatement("DELETE FROM " + table + " WHERE " + idColumn
            + " <= ? AND " + idColumn + " < (SELECT max(" + idColumn + ") FROM " + table + ")")) {
          ps.setLong(1, SpoolState.mark(spool, mark()));
          ps.executeUpdate();
        }
      }
      return;
    }
    try (PreparedStatement ps = spool.prepareStatement("UPDATE " + table + " SET shipped = ? WHERE bucket_ms = ?"
        + " AND gpu_uuid = ? AND team = ? AND job = ? AND profile_source = ? AND shipped < ?")) {
      for (Row row : rows) {
        ps.setLong(1, row.position());
        for (int i = 0; i < ROLLUP_KEY.size(); i++) {
          ps.setObject(i + 2, row.values()[i]);
        }
        ps.setLong(7, row.position());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  boolean appendOnly() {
    return kind == Kind.APPEND;
  }
}
