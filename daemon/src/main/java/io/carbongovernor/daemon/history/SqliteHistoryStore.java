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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite with a rollback journal: one writer (the daemon) and any number of readers (reports).
 * One connection, used under this object's lock; writes are small and few per tick.
 *
 * <p>Nothing here may stop control or the process: every operation checks first that the path
 * still leads to the file it has open (a deleted or replaced file is left for a new database at
 * the path) and that the file still holds what its header counts (a truncated one is moved
 * aside), reopens the database when it is not open, and turns any failure into a log line per
 * cause and a count. A write that fails loses its rows; the next one tries again.
 */
final class SqliteHistoryStore implements HistoryStore {

  private static final Logger log = LoggerFactory.getLogger("history");

  private final String jdbcUrl;
  private final Optional<HistoryFile> file;
  private final Clock clock;
  /** A fleet node's spool: each rollup row counts its changes, so that the shipper sends it again. */
  private final boolean spool;
  private final ProblemLog problems = new ProblemLog();
  /** Null while the database cannot be opened; the next operation tries again. */
  private Connection connection;
  /**
   * The file {@link #connection} has open, as it was when opened (or the damaged file last moved
   * aside): its identity, and the owner and mode a new file at the path gets.
   */
  private PosixFileAttributes opened;

  private SqliteHistoryStore(String jdbcUrl, Clock clock, boolean spool) {
    this.jdbcUrl = jdbcUrl;
    this.file = HistoryFile.of(jdbcUrl);
    this.clock = clock;
    this.spool = spool;
  }

  /**
   * Opens the store; a database that cannot be opened now is logged and retried at each
   * operation, a damaged one moved aside and a new one started.
   *
   * @throws HistoryException only when the database has a newer schema than this build
   */
  static SqliteHistoryStore open(String jdbcUrl, Clock clock) {
    return open(jdbcUrl, clock, false);
  }

  /** As {@link #open(String, Clock)}; a {@code spool} counts each change of a rollup row. */
  static SqliteHistoryStore open(String jdbcUrl, Clock clock, boolean spool) {
    SqliteHistoryStore store = new SqliteHistoryStore(jdbcUrl, clock, spool);
    synchronized (store) {
      store.connect().ifPresent(f -> store.problems.failed(ProblemLog.Operation.OPEN, "opening", f));
    }
    return store;
  }

  /** SQL on the open connection, with a result. */
  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private void write(String what, Transactions.Work work) {
    committed(what, work);
  }

  /** A write transaction, as every write here; whether it committed. */
  boolean committed(String what, Transactions.Work work) {
    return attempt(ProblemLog.Operation.WRITE, what, false, c -> {
      Transactions.write(c, work);
      return true;
    });
  }

  <T> T read(String what, T fallback, Work<T> work) {
    return attempt(ProblemLog.Operation.READ, what, fallback, work);
  }

  /**
   * Runs one operation on a usable database. A database found deleted, replaced or damaged by
   * the operation itself is started over and the operation run once more on the new one.
   */
  private synchronized <T> T attempt(ProblemLog.Operation operation, String what, T fallback, Work<T> work) {
    HistoryFailure failure = null;
    for (int round = 0; round < 2; round++) {
      Optional<HistoryFailure> unusable = usable();
      if (unusable.isPresent()) {
        failure = unusable.get();
        break;
      }
      try {
        T result = work.run(connection);
        if (operation == ProblemLog.Operation.WRITE) {
          problems.wrote();
        }
        return result;
      } catch (SQLException | RuntimeException e) {
        failure = FailureDiagnosis.of(e, file);
        if (round == 0 && failure.problem().startsOver()) {
          Optional<HistoryFailure> stuck = startOver(failure);
          if (stuck.isPresent()) {
            failure = stuck.get();
            break;
          }
          continue;
        }
        if (failure.problem().dropsConnection()) {
          disconnect();
        }
        break;
      }
    }
    problems.failed(operation, what, failure);
    return fallback;
  }

  /** Checks the open file and (re)opens as needed; the failure when the database cannot be used. */
  private Optional<HistoryFailure> usable() {
    if (connection != null && file.isPresent()) {
      Optional<HistoryFailure> changed = fileChanged(file.get());
      if (changed.isPresent()) {
        Optional<HistoryFailure> stuck = startOver(changed.get());
        if (stuck.isPresent()) {
          return stuck;
        }
      }
    }
    if (connection == null) {
      try {
        return connect();
      } catch (HistoryException e) {
        return Optional.of(new HistoryFailure(HistoryProblem.OTHER, e.getMessage()));
      }
    }
    return Optional.empty();
  }

  /**
   * Whether the path still leads to the file the connection has open, whole: one stat and one
   * read of the 100-byte header. SQLite goes on writing to a deleted file's inode, and only finds
   * a truncated file out when it reads a missing page.
   */
  private Optional<HistoryFailure> fileChanged(HistoryFile f) {
    try {
      Object key = f.key();
      if (!key.equals(opened.fileKey())) {
        if (f.madeHere(key)) { // the queue's connection found the deletion first and started the new file
          return Optional.of(new HistoryFailure(HistoryProblem.DELETED, f + " was deleted while open"));
        }
        return Optional.of(new HistoryFailure(HistoryProblem.REPLACED, f + " is another file than the one opened"));
      }
      Optional<String> damage = f.damage(false);
      if (damage.isPresent() && damageConfirmed(connection, f)) {
        return Optional.of(new HistoryFailure(HistoryProblem.DAMAGED, f + " " + damage.get()));
      }
      return Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.of(new HistoryFailure(HistoryProblem.DELETED, f + " was deleted while open"));
    } catch (IOException e) {
      return Optional.empty(); // the operation itself will say what is wrong
    }
  }

  /**
   * A writer extends the file page by page while it commits, and a crash can leave it short
   * until SQLite rolls its journal back; so a short file is looked at again under a read lock,
   * which waits for any commit to end and rolls back what a crash left.
   */
  private boolean damageConfirmed(Connection c, HistoryFile f) {
    try {
      Transactions.execute(c, "BEGIN");
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema")) {
        rs.next();
        return f.damage(false).isPresent();
      } finally {
        Transactions.rollback(c); // ends the read; a connection left in it fails, and is dropped, next time
      }
    } catch (SQLException | IOException e) {
      return FailureDiagnosis.of(e, file).problem() == HistoryProblem.DAMAGED;
    }
  }

  /**
   * Leaves a deleted, replaced or damaged database (moving a damaged one aside) for a new one
   * at the path, opened by the next {@link #usable()}. The failure when it cannot be moved.
   */
  private Optional<HistoryFailure> startOver(HistoryFailure failure) {
    disconnect();
    Optional<Path> movedTo = Optional.empty();
    if (failure.problem() == HistoryProblem.DAMAGED && file.isPresent()) {
      try {
        if (Files.exists(file.get().path())) {
          opened = file.get().attributes(); // the new file keeps its owner and mode
          movedTo = Optional.of(file.get().moveAside(clock.instant()));
        }
      } catch (IOException e) {
        return Optional.of(new HistoryFailure(HistoryProblem.DAMAGED, failure.detail() + "; it cannot be moved aside: "
            + e + WriteAccess.whyNotWritable(file.get()).map(why -> "; " + why).orElse("")));
      }
    }
    problems.startedOver(failure, file.map(HistoryFile::path).orElse(Path.of(jdbcUrl)), movedTo);
    return Optional.empty();
  }

  /**
   * Opens the database, creating it (mode 0640) and its schema if need be; a file that is not a
   * whole SQLite database is moved aside first and a new one started. Empty when open.
   *
   * @throws HistoryException when the database has a newer schema
   */
  private Optional<HistoryFailure> connect() {
    Optional<HistoryFailure> failure = tryConnect();
    if (failure.isPresent() && failure.get().problem() == HistoryProblem.DAMAGED) {
      Optional<HistoryFailure> stuck = startOver(failure.get());
      failure = stuck.isPresent() ? stuck : tryConnect();
    }
    return failure;
  }

  private Optional<HistoryFailure> tryConnect() {
    Connection c = null;
    try {
      if (file.isPresent()) {
        file.get().createIfAbsent(Optional.ofNullable(opened));
        // Moved aside as found, before SQLite writes to it. A short file beside a journal or WAL
        // left by a crash may still be completed from it, which SQLite sees to first.
        Optional<String> damage = file.get().leftovers() ? file.get().notSqlite() : file.get().damage(true);
        if (damage.isPresent()) {
          return Optional.of(new HistoryFailure(HistoryProblem.DAMAGED, file.get() + " " + damage.get()));
        }
      }
      c = DriverManager.getConnection(jdbcUrl);
      configure(c);
      int before = Migrations.SQLITE.migrate(c);
      if (file.isPresent()) { // again, now that SQLite has completed or rolled back what a crash left
        Optional<String> damage = file.get().damage(true);
        if (damage.isPresent() && damageConfirmed(c, file.get())) {
          close(c);
          return Optional.of(new HistoryFailure(HistoryProblem.DAMAGED, file.get() + " " + damage.get()));
        }
      }
      if (before < Migrations.SQLITE.latestVersion()) {
        log.atInfo()
            .addKeyValue("url", jdbcUrl)
            .addKeyValue("from_version", before)
            .addKeyValue("to_version", Migrations.SQLITE.latestVersion())
            .log("history schema migrated");
      }
      if (file.isPresent()) {
        opened = file.get().attributes();
        Optional<String> readOnly = WriteAccess.whyNotWritable(file.get());
        if (readOnly.isPresent()) {
          // Reads still work; say now why writes will not, naming the file and the fix.
          problems.failed(ProblemLog.Operation.OPEN, "opening", new HistoryFailure(HistoryProblem.READ_ONLY,
              readOnly.get()));
        }
      }
      connection = c;
      return Optional.empty();
    } catch (SQLException | IOException | RuntimeException e) {
      close(c);
      if (e instanceof HistoryException newer) {
        throw newer;
      }
      return Optional.of(FailureDiagnosis.of(e, file));
    }
  }

  /**
   * No memory-mapped I/O: a page of a mapped file that cannot be backed (a file made immutable
   * or truncated by another process, a full copy-on-write disk) faults with SIGBUS inside
   * SQLite's native code, which kills the JVM and leaves the GPUs throttled. SQLite maps the
   * database itself only with mmap_size above 0, but in WAL mode it always maps the WAL index
   * (the -shm file), so the journal is a rollback journal: with it every such failure is an
   * error code. Reports still read while the daemon writes; a commit waits for a running query
   * (milliseconds) and a query for a commit.
   */
  private static void configure(Connection c) throws SQLException {
    configure(c, Duration.ofSeconds(2), "NORMAL");
  }

  /**
   * {@link #configure(Connection)} with another wait for a lock and another {@code synchronous}
   * level: the settings every connection of the daemon to a history file must have.
   */
  static void configure(Connection c, Duration busyTimeout, String synchronous) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=" + busyTimeout.toMillis());
      st.execute("PRAGMA mmap_size=0");
      try (ResultSet rs = st.executeQuery("PRAGMA journal_mode=DELETE")) {
        String mode = rs.next() ? rs.getString(1) : "unknown";
        if (!"delete".equalsIgnoreCase(mode)) {
          // A WAL database is left in WAL mode while another process has it open.
          throw new SQLiteException("journal mode stays " + mode + " while another process has the database open",
              SQLiteErrorCode.SQLITE_BUSY);
        }
      }
      st.execute("PRAGMA synchronous=" + synchronous);
      st.execute("PRAGMA foreign_keys=ON");
    }
  }

  private void disconnect() {
    close(connection);
    connection = null;
  }

  private static void close(Connection c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (SQLException e) {
      log.atDebug().addKeyValue("error", e.getMessage()).log("closing history connection failed");
    }
  }

  @Override
  public void recordSignals(Instant recordedAt, List<CarbonSignal> signals) {
    if (signals.isEmpty()) {
      return;
    }
    String sql =
        "INSERT INTO signals (recorded_at_ms, zone, source, slot_start_ms, slot_end_ms,"
            + " intensity_g_per_kwh, kind, estimated) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    write(
        "signal",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
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
  public List<CarbonSignal> signalsSince(Instant from) {
    String sql =
        "SELECT zone, source, slot_start_ms, slot_end_ms, intensity_g_per_kwh, kind, estimated"
            + " FROM signals WHERE id IN"
            + " (SELECT max(id) FROM signals WHERE slot_start_ms >= ? GROUP BY slot_start_ms)"
            + " ORDER BY slot_start_ms";
    return read("reading the signals seen before", List.of(), c -> {
      List<CarbonSignal> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql)) {
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
      }
      return out;
    });
  }

  @Override
  public void recordDecisions(List<DecisionRecord> decisions) {
    String sql =
        "INSERT INTO decisions (decided_at_ms, gpu_uuid, gpu_index, policy, fail_safe,"
            + " previous_limit_mw, target_limit_mw, outcome, reason, intensity_g_per_kwh, source)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    write(
        "decisions",
        c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
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

  /**
   * Adds a raw row into its rollup row, creating it at the first sample of the bucket. A spool's
   * row also counts the change, which tells its shipper to send the row again.
   */
  private String rollupUpsert(String table) {
    String changes = spool ? ", changes" : "";
    return "INSERT INTO " + table + " (bucket_ms, gpu_uuid, gpu_index, team, job, profile_source,"
        + " samples, energy_mj, baseline_mj, emissions_g, baseline_g, unknown_energy_mj, limit_mw_ms,"
        + " busy_ms, extra_ms, throttled_ms" + changes + ") VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?"
        + (spool ? ", 1" : "") + ")"
        + " ON CONFLICT (bucket_ms, gpu_uuid, team, job, profile_source) DO UPDATE SET"
        + (spool ? " changes = changes + 1," : "")
        + " samples = samples + 1, energy_mj = energy_mj + excluded.energy_mj,"
        + " baseline_mj = baseline_mj + excluded.baseline_mj,"
        + " emissions_g = emissions_g + excluded.emissions_g,"
        + " baseline_g = baseline_g + excluded.baseline_g,"
        + " unknown_energy_mj = unknown_energy_mj + excluded.unknown_energy_mj,"
        + " limit_mw_ms = limit_mw_ms + excluded.limit_mw_ms, busy_ms = busy_ms + excluded.busy_ms,"
        + " extra_ms = extra_ms + excluded.extra_ms, throttled_ms = throttled_ms + excluded.throttled_ms";
  }

  @Override
  public void recordEnergy(List<EnergyRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    write(
        "energy",
        c -> {
          try (PreparedStatement raw = c.prepareStatement(RAW_INSERT);
              PreparedStatement minute = c.prepareStatement(rollupUpsert("energy_minute"));
              PreparedStatement hour = c.prepareStatement(rollupUpsert("energy_hour"))) {
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
  public void recordGap(String gpuUuid, Instant start, Instant end, String reason) {
    write("gap", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO gaps (gpu_uuid, start_ms, end_ms, reason) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, gpuUuid);
        ps.setLong(2, start.toEpochMilli());
        ps.setLong(3, end.toEpochMilli());
        ps.setString(4, reason);
        ps.executeUpdate();
      }
    });
  }

  @Override
  public Map<String, Double> emissionsByTeamSince(Instant from) {
    return read("reading emissions by team", Map.of(), c -> {
      Map<String, Double> out = new LinkedHashMap<>();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT team, sum(emissions_g) FROM energy_hour WHERE bucket_ms >= ? GROUP BY team")) {
        // The hour that holds `from` counts whole: a budget errs toward tightening early.
        ps.setLong(1, Math.floorDiv(from.toEpochMilli(), 3_600_000L) * 3_600_000L);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getDouble(2));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void recordBatchRun(JobKey job, RunOutcome outcome, Instant finishedAt) {
    String sql =
        "INSERT INTO batch_runs (team, job, seq, batch_size, energy_mj, duration_ms, emissions_g, reached,"
            + " epochs, finished_ms) SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?"
            + " FROM batch_runs WHERE team = ? AND job = ?";
    write("batch run", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
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
      }
    });
  }

  @Override
  public AdvisorState batchRuns() {
    return read("reading batch runs", AdvisorState.empty(), c -> {
      Map<JobKey, List<RunOutcome>> runs = new LinkedHashMap<>();
      try (Statement st = c.createStatement();
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
      }
      return AdvisorState.of(runs);
    });
  }

  @Override
  public void prune(Instant now, Retention retention) {
    write("prune", c -> {
      try (Statement st = c.createStatement()) {
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
      }
    });
  }

  @Override
  public HistoryHealth health() {
    return problems.health();
  }

  @Override
  public synchronized void close() {
    disconnect();
  }
}
