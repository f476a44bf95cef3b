package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.policy.batch.AdvisorState;
import io.carbongovernor.policy.batch.Emissions;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.RunOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  public synchronized void recordSignals(Instant recordedAt, List<CarbonSignal> signals) {
    if (signals.isEmpty()) {
      return;
    }
    String sql =
        "INSERT INTO signals (recorded_at_ms, zone, source, slot_start_ms, slot_end_ms,"
            + " intensity_g_per_kwh, kind, estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    inTransaction(
        "signal",
        () -> {
          try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (CarbonSignal signal : signals) {
              ps.setLong(1, recordedAt.toEpochMilli());
              ps.setString(2, signal.zone());
              ps.setString(3, signal.source());
              ps.setLong(4, signal.start().toEpochMilli());
              ps.setLong(5, signal.end().toEpochMilli());
              ps.setDouble(6, signal.intensity().gramsPerKwh());
              ps.setString(7, signal.kind().word());
              ps.setInt(8, signal.estimated() ? 1 : 0);
              ps.addBatch();
            }
            ps.executeBatch();
          }
        });
  }

  @Override
  public synchronized List<CarbonSignal> signalsSince(Instant from) {
    String sql =
        "SELECT zone, source, slot_start_ms, slot_end_ms, intensity_g_per_kwh, kind, estimated"
            + " FROM signals WHERE id IN"
            + " (SELECT max(id) FROM signals WHERE slot_start_ms >= ? GROUP BY slot_start_ms)"
            + " ORDER BY slot_start_ms";
    List<CarbonSignal> out = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setLong(1, from.toEpochMilli());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new CarbonSignal(
              rs.getString(1),
              Instant.ofEpochMilli(rs.getLong(3)),
              Instant.ofEpochMilli(rs.getLong(4)),
              CarbonIntensity.gramsPerKwh(rs.getDouble(5)),
              SignalKind.valueOf(rs.getString(6).toUpperCase(java.util.Locale.ROOT)),
              rs.getString(2),
              rs.getInt(7) != 0));
        }
      }
    } catch (SQLException | IllegalArgumentException e) {
      log.atWarn().addKeyValue("error", e.getMessage()).log("history: could not read the signals seen before");
      return List.of();
    }
    return out;
  }

  @Override
  public synchronized void recordDecisions(List<DecisionRecord> decisions) {
    String sql =
        "INSERT INTO decisions (decided_at_ms, gpu_uuid, gpu_index, policy, fail_safe,"
            + " previous_limit_mw, target_limit_mw, outcome, reason, intensity_g_per_kwh, source)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    inTransaction(
        "decisions",
        () -> {
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
          }
        });
  }

  private static final String RAW_INSERT =
      "INSERT INTO energy_raw (start_ms, end_ms, gpu_uuid, gpu_index, team, job, energy_mj,"
          + " baseline_mj, emissions_g, baseline_g, intensity_g_per_kwh, limit_mw, original_limit_mw,"
          + " busy_ms, extra_ms, throttled_ms, profile_source)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Adds a raw row into its rollup row, creating it at the first sample of the bucket. */
  private static String rollupUpsert(String table) {
    return "INSERT INTO " + table + " (bucket_ms, gpu_uuid, gpu_index, team, job, profile_source,"
        + " samples, energy_mj, baseline_mj, emissions_g, baseline_g, unknown_energy_mj, limit_mw_ms,"
        + " busy_ms, extra_ms, throttled_ms) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (bucket_ms, gpu_uuid, team, job, profile_source) DO UPDATE SET"
        + " samples = samples + 1, energy_mj = energy_mj + excluded.energy_mj,"
        + " baseline_mj = baseline_mj + excluded.baseline_mj,"
        + " emissions_g = emissions_g + excluded.emissions_g,"
        + " baseline_g = baseline_g + excluded.baseline_g,"
        + " unknown_energy_mj = unknown_energy_mj + excluded.unknown_energy_mj,"
        + " limit_mw_ms = limit_mw_ms + excluded.limit_mw_ms, busy_ms = busy_ms + excluded.busy_ms,"
        + " extra_ms = extra_ms + excluded.extra_ms, throttled_ms = throttled_ms + excluded.throttled_ms";
  }

  @Override
  public synchronized void recordEnergy(List<EnergyRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    inTransaction(
        "energy",
        () -> {
          try (PreparedStatement raw = connection.prepareStatement(RAW_INSERT);
              PreparedStatement minute = connection.prepareStatement(rollupUpsert("energy_minute"));
              PreparedStatement hour = connection.prepareStatement(rollupUpsert("energy_hour"))) {
            for (EnergyRecord r : records) {
              bindRaw(raw, r);
              raw.addBatch();
              bindRollup(minute, r, 60_000L);
              minute.addBatch();
              bindRollup(hour, r, 3_600_000L);
              hour.addBatch();
            }
            raw.executeBatch();
            minute.executeBatch();
            hour.executeBatch();
          }
        });
  }

  private static void bindRaw(PreparedStatement ps, EnergyRecord r) throws SQLException {
    ps.setLong(1, r.start().toEpochMilli());
    ps.setLong(2, r.end().toEpochMilli());
    ps.setString(3, r.gpu().uuid());
    ps.setInt(4, r.gpu().index());
    ps.setString(5, r.team());
    ps.setString(6, r.job());
    ps.setLong(7, r.energy().millijoules());
    ps.setLong(8, r.baseline().millijoules());
    setNullableDouble(ps, 9, r.emissionsGrams());
    setNullableDouble(ps, 10, r.baselineGrams());
    setNullableDouble(ps, 11, r.intensity().map(i -> i.gramsPerKwh()));
    ps.setLong(12, r.limit().milliwatts());
    ps.setLong(13, r.originalLimit().milliwatts());
    ps.setLong(14, r.busy().toMillis());
    ps.setLong(15, r.extra().toMillis());
    ps.setLong(16, r.throttled().toMillis());
    ps.setString(17, r.profileSource());
  }

  /** Rollup rows are keyed by the bucket of the period's start. */
  private static void bindRollup(PreparedStatement ps, EnergyRecord r, long bucketMs) throws SQLException {
    long start = r.start().toEpochMilli();
    ps.setLong(1, Math.floorDiv(start, bucketMs) * bucketMs);
    ps.setString(2, r.gpu().uuid());
    ps.setInt(3, r.gpu().index());
    ps.setString(4, r.team());
    ps.setString(5, r.job());
    ps.setString(6, r.profileSource());
    ps.setLong(7, r.energy().millijoules());
    ps.setLong(8, r.baseline().millijoules());
    ps.setDouble(9, r.emissionsGrams().orElse(0.0));
    ps.setDouble(10, r.baselineGrams().orElse(0.0));
    ps.setLong(11, r.intensity().isPresent() ? 0 : r.energy().millijoules());
    ps.setDouble(12, (double) r.limit().milliwatts() * r.busy().toMillis());
    ps.setLong(13, r.busy().toMillis());
    ps.setLong(14, r.extra().toMillis());
    ps.setLong(15, r.throttled().toMillis());
  }

  private static void setNullableDouble(PreparedStatement ps, int index, Optional<Double> value)
      throws SQLException {
    if (value.isPresent()) {
      ps.setDouble(index, value.get());
    } else {
      ps.setNull(index, Types.REAL);
    }
  }

  @Override
  public synchronized void recordGap(String gpuUuid, Instant start, Instant end, String reason) {
    try (PreparedStatement ps =
        connection.prepareStatement("INSERT INTO gaps (gpu_uuid, start_ms, end_ms, reason) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, gpuUuid);
      ps.setLong(2, start.toEpochMilli());
      ps.setLong(3, end.toEpochMilli());
      ps.setString(4, reason);
      ps.executeUpdate();
    } catch (SQLException e) {
      failed("gap", e);
    }
  }

  @Override
  public synchronized Map<String, Double> emissionsByTeamSince(Instant from) {
    Map<String, Double> out = new LinkedHashMap<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT team, sum(emissions_g) FROM energy_hour WHERE bucket_ms >= ? GROUP BY team")) {
      // The hour that holds `from` counts whole: a budget errs toward tightening early.
      ps.setLong(1, Math.floorDiv(from.toEpochMilli(), 3_600_000L) * 3_600_000L);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getDouble(2));
        }
      }
    } catch (SQLException e) {
      failed("reading emissions by team", e);
    }
    return out;
  }

  @Override
  public synchronized void recordBatchRun(JobKey job, RunOutcome outcome, Instant finishedAt) {
    String sql =
        "INSERT INTO batch_runs (team, job, seq, batch_size, energy_mj, duration_ms, emissions_g, reached,"
            + " epochs, finished_ms) SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?"
            + " FROM batch_runs WHERE team = ? AND job = ?";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, job.team());
      ps.setString(2, job.job());
      ps.setInt(3, outcome.batchSize());
      ps.setLong(4, outcome.energy().millijoules());
      ps.setLong(5, outcome.duration().toMillis());
      ps.setDouble(6, outcome.emissions().grams());
      ps.setInt(7, outcome.reachedTarget() ? 1 : 0);
      ps.setInt(8, outcome.epochs());
      ps.setLong(9, finishedAt.toEpochMilli());
      ps.setString(10, job.team());
      ps.setString(11, job.job());
      ps.executeUpdate();
    } catch (SQLException e) {
      failed("batch run", e);
    }
  }

  @Override
  public synchronized AdvisorState batchRuns() {
    Map<JobKey, List<RunOutcome>> runs = new LinkedHashMap<>();
    try (Statement st = connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT team, job, batch_size, energy_mj, duration_ms, emissions_g, reached, epochs"
                    + " FROM batch_runs ORDER BY team, job, seq")) {
      while (rs.next()) {
        runs.computeIfAbsent(new JobKey(rs.getString(1), rs.getString(2)), k -> new ArrayList<>())
            .add(
                new RunOutcome(
                    rs.getInt(3),
                    Energy.ofMillijoules(rs.getLong(4)),
                    Duration.ofMillis(rs.getLong(5)),
                    Emissions.ofGrams(rs.getDouble(6)),
                    rs.getInt(7) == 1,
                    rs.getInt(8)));
      }
      return AdvisorState.of(runs);
    } catch (SQLException e) {
      failed("reading batch runs", e);
      return AdvisorState.empty();
    }
  }

  @Override
  public synchronized void prune(Instant now, Retention retention) {
    try (Statement st = connection.createStatement()) {
      if (retention.raw().isPresent()) {
        long raw = now.minus(retention.raw().get()).toEpochMilli();
        st.executeUpdate("DELETE FROM energy_raw WHERE end_ms < " + raw);
      }
      if (retention.minutes().isPresent()) {
        long minutes = now.minus(retention.minutes().get()).toEpochMilli();
        st.executeUpdate("DELETE FROM energy_minute WHERE bucket_ms + 60000 <= " + minutes);
      }
      if (retention.hours().isPresent()) {
        long hours = now.minus(retention.hours().get()).toEpochMilli();
        st.executeUpdate("DELETE FROM energy_hour WHERE bucket_ms + 3600000 <= " + hours);
      }
    } catch (SQLException e) {
      failed("prune", e);
    }
  }

  /** SQL that may fail; run as one transaction by {@link #inTransaction}. */
  private interface Work {
    void run() throws SQLException;
  }

  /** Runs {@code work} as one transaction; a failure rolls it back and is logged and counted. */
  private void inTransaction(String what, Work work) {
    try {
      connection.setAutoCommit(false);
      try {
        work.run();
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      failed(what, e);
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
