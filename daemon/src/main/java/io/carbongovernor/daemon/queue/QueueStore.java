package io.carbongovernor.daemon.queue;

import io.carbongovernor.daemon.history.LocalDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The queue's table in the node's SQLite file, on a connection of its own. Every change is one
 * transaction committed with a full fsync before it returns, and every failure is thrown ({@link
 * QueueStoreException}): a job that cannot be recorded must be refused, not accepted and lost. A
 * failed operation drops the connection; the next one opens it again.
 */
final class QueueStore implements AutoCloseable {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private static final String COLUMNS =
      "id, name, uid, user_name, team, state, submitted_ms, deadline_ms, expected_ms, expected_learned,"
          + " latest_start_ms, gpus, workdir, log, command, environment, planned_start_ms, plan_basis,"
          + " expected_change_pct, started_ms, gpus_given, pid, process_start, unit, registered_job, ended_ms,"
          + " exit_code, reason";
  private static final String ROW = " INTO job_queue (" + COLUMNS + ") VALUES ("
      + "?, ".repeat(COLUMNS.split(",").length - 1) + "?)";
  private static final String INSERT = "INSERT" + ROW;
  /** Writes a row over any other with its id. */
  private static final String UPSERT = "INSERT OR REPLACE" + ROW;

  private final Path file;
  private Connection connection;
  /** The identity (device and inode) of the file {@link #connection} has open. */
  private Object opened;

  private QueueStore(Path file) {
    this.file = file;
  }

  /** Opens the table in {@code file}, creating and migrating the database where needed. */
  static QueueStore open(Path file) {
    QueueStore store = new QueueStore(file);
    store.connection();
    return store;
  }

  Path file() {
    return file;
  }

  /**
   * Adds a new job unless its uid has {@code maxPending} queued and starting jobs already, in one
   * transaction; the number it had before (the job was added where that is below the limit).
   */
  synchronized int insertWithin(StoredJob job, int maxPending) {
    int[] pending = new int[1];
    write("recording the submitted job " + job.job().id(), c -> {
      try (PreparedStatement count = c.prepareStatement(
          "SELECT count(*) FROM job_queue WHERE uid = ? AND state IN ('QUEUED', 'STARTING')")) {
        count.setLong(1, job.job().uid());
        try (ResultSet rs = count.executeQuery()) {
          pending[0] = rs.next() ? rs.getInt(1) : 0;
        }
      }
      if (pending[0] >= maxPending) {
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        bind(ps, job);
        ps.executeUpdate();
      }
    });
    return pending[0];
  }

  /**
   * Replaces a job's row if it is still in state {@code from}; whether it was. This is how a
   * move between states is made at most once, whoever else looks at the row.
   */
  synchronized boolean replace(QueueState from, StoredJob next) {
    boolean[] done = new boolean[1];
    write("recording job " + next.job().id() + " as " + next.job().state().word(), c -> {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM job_queue WHERE id = ? AND state = ?")) {
        del.setString(1, next.job().id());
        del.setString(2, from.name());
        if (del.executeUpdate() != 1) {
          return;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(INSERT)) {
        bind(ps, next);
        ps.executeUpdate();
      }
      done[0] = true;
    });
    return done[0];
  }

  /** Every job, newest first. */
  synchronized List<StoredJob> all() {
    return read("reading the queue", c -> {
      List<StoredJob> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM job_queue ORDER BY submitted_ms DESC, id");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    });
  }

  /**
   * How long the finished runs of a team's job of this name took, start to end, oldest first: the
   * runs that ended on their own with status 0 or an unknown status.
   */
  synchronized List<Duration> runTimes(Optional<String> team, String name) {
    return read("reading earlier runs", c -> {
      List<Duration> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT ended_ms - started_ms FROM job_queue WHERE team IS ? AND name = ? AND state = 'FINISHED'"
              + " AND pid IS NOT NULL AND started_ms IS NOT NULL AND ended_ms IS NOT NULL"
              + " AND (exit_code IS NULL OR exit_code = 0)"
              + " ORDER BY ended_ms")) {
        ps.setString(1, team.orElse(null));
        ps.setString(2, name);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (rs.getLong(1) > 0) {
              out.add(Duration.ofMillis(rs.getLong(1)));
            }
          }
        }
      }
      return out;
    });
  }

  /** Deletes jobs that ended before {@code before}; how many. */
  synchronized int pruneEndedBefore(Instant before) {
    int[] n = new int[1];
    write("pruning ended jobs", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM job_queue WHERE state IN ('FINISHED', 'FAILED', 'CANCELLED') AND ended_ms < ?")) {
        ps.setLong(1, before.toEpochMilli());
        n[0] = ps.executeUpdate();
      }
    });
    return n[0];
  }

  @Override
  public synchronized void close() {
    drop();
  }

  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private interface Update {
    void run(Connection c) throws SQLException;
  }

  private void write(String what, Update update) {
    Connection c = connection();
    try {
      LocalDatabase.write(c, update::run);
    } catch (SQLException | RuntimeException e) {
      drop();
      throw new QueueStoreException(what + " in " + file + " failed: " + e.getMessage(), e);
    }
  }

  private <T> T read(String what, Query<T> query) {
    Connection c = connection();
    try {
      return query.run(c);
    } catch (SQLException | RuntimeException e) {
      drop();
      throw new QueueStoreException(what + " from " + file + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * The open connection, opened anew where there is none or where the path now leads to another
   * file than the one open (deleted, replaced, or moved aside as damaged by the history store;
   * writes to the old one would be lost with it). The jobs the old file still holds are carried
   * over to the new one, where they replace any older copy (a restored backup): the queue is the
   * daemon's state, not its history, and a job must neither vanish nor come back.
   */
  private Connection connection() {
    boolean moved = connection != null && !Objects.equals(identity(), opened);
    List<StoredJob> carried = moved ? readable(connection) : List.of();
    if (moved) {
      drop();
    }
    if (connection == null) {
      try {
        Connection c = LocalDatabase.open(file);
        Object identity = identity();
        if (!carried.isEmpty()) {
          try {
            LocalDatabase.write(c, tx -> {
              for (StoredJob job : carried) {
                try (PreparedStatement ps = tx.prepareStatement(UPSERT)) {
                  bind(ps, job);
                  ps.executeUpdate();
                }
              }
            });
          } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
          }
        }
        connection = c;
        opened = identity;
      } catch (SQLException | IOException | RuntimeException e) {
        throw new QueueStoreException("the queue's database " + file + " cannot be opened: " + e.getMessage(), e);
      }
    }
    return connection;
  }

  /**
   * The jobs in the file {@code c} still has open (SQLite reads a deleted or moved file through
   * its descriptor); none where that file cannot be read.
   */
  private static List<StoredJob> readable(Connection c) {
    List<StoredJob> out = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM job_queue");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row(rs));
      }
    } catch (SQLException | RuntimeException e) {
      return List.of(); // a damaged file: what it held is in the copy moved aside
    }
    return out;
  }

  private Object identity() {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private void drop() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // the connection is dropped either way
      }
      connection = null;
    }
  }

  private static void bind(PreparedStatement ps, StoredJob stored) throws SQLException {
    QueuedJob j = stored.job();
    ps.setString(1, j.id());
    ps.setString(2, j.name());
    ps.setLong(3, j.uid());
    ps.setString(4, j.user());
    setText(ps, 5, j.team());
    ps.setString(6, j.state().name());
    ps.setLong(7, j.submittedAt().toEpochMilli());
    ps.setLong(8, j.deadline().toEpochMilli());
    ps.setLong(9, j.expected().toMillis());
    ps.setInt(10, j.expectedLearned() ? 1 : 0);
    ps.setLong(11, j.latestStart().toEpochMilli());
    ps.setString(12, JSON.writeValueAsString(gpus(j.gpus())));
    ps.setString(13, j.workdir().toString());
    setText(ps, 14, j.log().map(Path::toString));
    ps.setString(15, JSON.writeValueAsString(j.command()));
    ps.setString(16, JSON.writeValueAsString(new TreeMap<>(j.environment())));
    setTime(ps, 17, j.plannedStart());
    setText(ps, 18, j.planBasis());
    if (j.expectedChangePercent().isPresent()) {
      ps.setDouble(19, j.expectedChangePercent().getAsDouble());
    } else {
      ps.setNull(19, Types.REAL);
    }
    setTime(ps, 20, j.startedAt());
    ps.setString(21, JSON.writeValueAsString(j.gpusGiven()));
    setLong(ps, 22, j.pid());
    setLong(ps, 23, stored.processStart());
    setText(ps, 24, j.unit());
    setText(ps, 25, j.registeredJob());
    setTime(ps, 26, j.endedAt());
    setLong(ps, 27, j.exitCode().isPresent() ? OptionalLong.of(j.exitCode().getAsInt()) : OptionalLong.empty());
    setText(ps, 28, j.reason());
  }

  private static StoredJob row(ResultSet rs) throws SQLException {
    QueuedJob job = new QueuedJob(
        rs.getString(1),
        rs.getString(2),
        rs.getLong(3),
        rs.getString(4),
        Optional.ofNullable(rs.getString(5)),
        QueueState.valueOf(rs.getString(6)),
        Instant.ofEpochMilli(rs.getLong(7)),
        Instant.ofEpochMilli(rs.getLong(8)),
        Duration.ofMillis(rs.getLong(9)),
        rs.getInt(10) != 0,
        Instant.ofEpochMilli(rs.getLong(11)),
        gpus(JSON.readValue(rs.getString(12), OBJECT)),
        Path.of(rs.getString(13)),
        Optional.ofNullable(rs.getString(14)).map(Path::of),
        JSON.readValue(rs.getString(15), STRINGS),
        JSON.readValue(rs.getString(16), STRING_MAP),
        time(rs, 17),
        Optional.ofNullable(rs.getString(18)),
        rs.getObject(19) == null ? OptionalDouble.empty() : OptionalDouble.of(rs.getDouble(19)),
        time(rs, 20),
        JSON.readValue(rs.getString(21), STRINGS),
        number(rs, 22),
        Optional.ofNullable(rs.getString(24)),
        Optional.ofNullable(rs.getString(25)),
        time(rs, 26),
        rs.getObject(27) == null ? OptionalInt.empty() : OptionalInt.of(rs.getInt(27)),
        Optional.ofNullable(rs.getString(28)));
    return new StoredJob(job, number(rs, 23));
  }

  private static Map<String, Object> gpus(GpuRequest request) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (request instanceof GpuRequest.Named n) {
      out.put("kind", "named");
      out.put("refs", n.refs());
    } else if (request instanceof GpuRequest.Count n) {
      out.put("kind", "count");
      out.put("count", n.count());
    } else {
      out.put("kind", "none");
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static GpuRequest gpus(Map<String, Object> json) {
    return switch (String.valueOf(json.get("kind"))) {
      case "named" -> new GpuRequest.Named((List<String>) json.get("refs"));
      case "count" -> new GpuRequest.Count(((Number) json.get("count")).intValue());
      default -> new GpuRequest.None();
    };
  }

  private static void setText(PreparedStatement ps, int i, Optional<String> v) throws SQLException {
    if (v.isPresent()) {
      ps.setString(i, v.get());
    } else {
      ps.setNull(i, Types.VARCHAR);
    }
  }

  private static void setTime(PreparedStatement ps, int i, Optional<Instant> v) throws SQLException {
    setLong(ps, i, v.isPresent() ? OptionalLong.of(v.get().toEpochMilli()) : OptionalLong.empty());
  }

  private static void setLong(PreparedStatement ps, int i, OptionalLong v) throws SQLException {
    if (v.isPresent()) {
      ps.setLong(i, v.getAsLong());
    } else {
      ps.setNull(i, Types.INTEGER);
    }
  }

  private static Optional<Instant> time(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  private static OptionalLong number(ResultSet rs, int i) throws SQLException {
    long v = rs.getLong(i);
    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
