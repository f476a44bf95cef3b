package io.carbongovernor.daemon.history;

import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import io.carbongovernor.daemon.history.postgres.PostgresRollupReader;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the energy rollups that {@link HistoryStore#recordEnergy} keeps, for reports: sums by a
 * key, energy by profile source, and rollup buckets over time. Unlike the store, a reader fails
 * loudly (a report must not show an empty history for one it could not read) and never writes.
 * Each backend implements it beside its {@link HistoryStore}; the report holds no SQL.
 */
public interface RollupReader extends AutoCloseable {

  /**
   * Which rollup rows to read: one row per minute, hour or UTC day, GPU, team, job and profile
   * source.
   */
  enum Rollup {
    MINUTE(Duration.ofMinutes(1)),
    HOUR(Duration.ofHours(1)),
    /**
     * Whole UTC days: the hour rows of each day summed, read from a fleet's day rollup where it
     * has completed the day. A range that cuts a day sums only the day's hours inside it.
     */
    DAY(Duration.ofDays(1));

    private final Duration length;

    Rollup(Duration length) {
      this.length = length;
    }

    /** How long each bucket of this rollup is. */
    public Duration length() {
      return length;
    }
  }

  /** What rows are summed by. */
  enum Key {
    /** The team, as in {@link EnergyRecord#team()}. */
    TEAM,
    /** The job, as recorded: empty for energy drawn outside any job. */
    JOB,
    /** The GPU's UUID, with the indices it had. */
    GPU,
    /** The UTC day of the bucket, {@code yyyy-MM-dd}. */
    DAY,
    /**
     * The node that recorded the rows: its id in a fleet's history; a node's own history holds
     * only the node its reader was opened for.
     */
    NODE
  }

  /**
   * The rows whose bucket starts in {@code [from, to)}, of one team, one job and one node when
   * given (an empty job selects energy drawn outside any job).
   */
  record Filter(Instant from, Instant to, Optional<String> team, Optional<String> job, Optional<String> node) {

    public Filter {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(team, "team");
      Objects.requireNonNull(job, "job");
      Objects.requireNonNull(node, "node");
    }

    /** Rows of every node. */
    public Filter(Instant from, Instant to, Optional<String> team, Optional<String> job) {
      this(from, to, team, job, Optional.empty());
    }

    /** The same team, job and node over {@code [start, end)}. */
    public Filter between(Instant start, Instant end) {
      return new Filter(start, end, team, job, node);
    }
  }

  /**
   * One key's sums.
   *
   * @param gpuIndices the indices the GPU had, lowest first; empty unless summed by {@link Key#GPU}
   */
  record Group(String key, List<Integer> gpuIndices, RollupSums sums) {

    public Group {
      Objects.requireNonNull(key, "key");
      gpuIndices = List.copyOf(gpuIndices);
      Objects.requireNonNull(sums, "sums");
    }
  }

  /** One team's sums in one rollup bucket starting at {@code start}. */
  record Bucket(Instant start, String team, RollupSums sums) {

    public Bucket {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(team, "team");
      Objects.requireNonNull(sums, "sums");
    }
  }

  /**
   * The hour rollups' sums by {@code key}: GPUs in order of their lowest index (as nvidia-smi
   * lists them), every other key in ascending order (of its UTF-8 bytes, as on every backend).
   */
  List<Group> sumsBy(Key key, Filter filter) throws HistoryReadException;

  /** The hour rollups' energy by the profile source of its baseline, largest first, then by name. */
  Map<String, Energy> energyByProfileSource(Filter filter) throws HistoryReadException;

  /** Each team's sums per bucket of {@code rollup}, oldest bucket first, then by team. */
  List<Bucket> buckets(Rollup rollup, Filter filter) throws HistoryReadException;

  @Override
  void close();

  /**
   * A reader of a node's own history behind a JDBC URL that never writes to it, so it runs beside
   * the daemon that does; its rows belong to this machine, named by its host name.
   *
   * @throws HistoryReadException when the database cannot be opened
   */
  static RollupReader openReadOnly(String jdbcUrl) throws HistoryReadException {
    return openReadOnly(jdbcUrl, DatabaseLogin.NONE, HostName.local());
  }

  /**
   * A reader of the history behind a JDBC URL that never writes to it: a fleet's PostgreSQL
   * database, opened as {@code login}, or a node's own SQLite history, whose rows all belong to
   * {@code localNode}.
   *
   * @throws HistoryReadException when the database cannot be opened, holds no carbon-governor
   *     history, or has a schema newer than this build
   */
  static RollupReader openReadOnly(String jdbcUrl, DatabaseLogin login, String localNode)
      throws HistoryReadException {
    if (PostgresConnections.serves(jdbcUrl)) {
      return PostgresRollupReader.open(jdbcUrl, login);
    }
    return SqliteRollupReader.open(jdbcUrl, localNode);
  }
}
