package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Migrations;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the spool holds that the fleet database lacks, one bounded batch per transaction,
 * and acknowledges each batch in the spool only after the fleet database committed it: a crash
 * in between sends the batch again, which adds nothing. One round at a time; the store's thread
 * runs them, a test runs one with {@link #round()}.
 */
final class Shipper {

  private static final Logger log = LoggerFactory.getLogger("history");

  /** Rows per transaction: one send never holds a large transaction open. */
  static final int BATCH = 5_000;

  /** Batches of one table per round, so that a long backlog leaves room for a stop. */
  private static final int BATCHES_PER_ROUND = 20;

  /** How long one statement may wait on the fleet database before it counts as away. */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(15);

  /** What a round did, which sets when the next one runs. */
  enum Result { SENT, MORE, REFUSED, FAILED }

  /** The fleet's emissions by team since an hour, as last read. */
  private record FleetEmissions(long fromMs, Map<String, Double> byTeam, Instant readAt) {}

  /** Another instance took the node id while this one was sending. */
  private static final class ClaimLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLost() {
      super("another instance took this node's id");
    }
  }

  private final String url;
  private final DatabaseLogin login;
  private final NodeIdentity identity;
  private final NodeClaim claim;
  private final Spool spool;
  private final Clock clock;
  private final Consumer<FleetTable> afterCommit;
  private final AtomicLong rowsSent = new AtomicLong();
  private Connection connection;
  private int failures;
  private boolean refusedLogged;
  /** Null before the first attempt; then whether the last one reached the database. */
  private volatile Boolean reachable;
  private volatile boolean refused;
  private volatile Instant lastSent;
  private volatile long wantedFromMs = Long.MIN_VALUE;
  private volatile FleetEmissions fleetEmissions;

  /**
   * @param afterCommit called after the fleet database committed a batch and before the spool
   *     acknowledges it (a test's crash point)
   */
  Shipper(String url, DatabaseLogin login, NodeIdentity identity, NodeClaim claim, Spool spool, Clock clock,
      Consumer<FleetTable> afterCommit) {
    this.url = url;
    this.login = login;
    this.identity = identity;
    this.claim = claim;
    this.spool = spool;
    this.clock = clock;
    this.afterCommit = afterCommit;
  }

  /** One shipping round: claim the id, send every table's unsent rows, read the fleet's emissions. */
  synchronized Result round() {
    Instant now = clock.instant();
    try {
      Connection c = connection();
      NodeClaim.Outcome outcome = claim.claim(c, now);
      reached();
      if (outcome instanceof NodeClaim.Refused r) {
        refused(r);
        return Result.REFUSED;
      }
      claimed((NodeClaim.Claimed) outcome);
      boolean more = false;
      for (FleetTable table : FleetTable.values()) {
        more |= ship(c, table, now);
      }
      readFleetEmissions(c, now);
      lastSent = now;
      return more ? Result.MORE : Result.SENT;
    } catch (ClaimLost e) {
      log.atError().addKeyValue("node", identity.node()).log("fleet history: " + e.getMessage() + "; not sending");
      refused = true;
      return Result.REFUSED;
    } catch (SQLException | RuntimeException e) {
      failed(e);
      return Result.FAILED;
    }
  }

  /** Sends up to {@link #BATCHES_PER_ROUND} batches of a table; whether more are waiting. */
  private boolean ship(Connection c, FleetTable table, Instant now) throws SQLException {
    for (int i = 0; i < BATCHES_PER_ROUND; i++) {
      List<FleetTable.Row> rows = spool.unsent(table, BATCH);
      if (rows == null || rows.isEmpty()) {
        return false; // a spool that cannot be read now logged why
      }
      PostgresTransactions.run(c, x -> {
        table.send(x, identity.node(), rows, now.toEpochMilli());
        if (!claim.seen(x, now)) {
          throw new ClaimLost();
        }
        return null;
      });
      afterCommit.accept(table);
      rowsSent.addAndGet(rows.size());
      if (!spool.acknowledge(table, rows) || rows.size() < BATCH) {
        return false;
      }
    }
    return true;
  }

  private Connection connection() throws SQLException {
    if (connection == null) {
      Connection c = PostgresConnections.open(url, login, SOCKET_TIMEOUT);
      try {
        Migrations.POSTGRESQL.migrate(c);
      } catch (SQLException | RuntimeException e) {
        close(c);
        throw e;
      }
      connection = c;
    }
    return connection;
  }

  private void reached() {
    if (Boolean.FALSE.equals(reachable)) {
      log.atInfo().addKeyValue("url", PostgresConnections.redacted(url)).addKeyValue("failed_attempts", failures)
          .addKeyValue("unsent_samples", spool.unsentSamples())
          .log("fleet database reachable again; sending the spool");
    }
    reachable = true;
    failures = 0;
  }

  private void failed(Exception e) {
    close(connection);
    connection = null;
    failures++;
    if (!Boolean.FALSE.equals(reachable)) { // once per outage, not per attempt
      log.atWarn().addKeyValue("url", PostgresConnections.redacted(url)).addKeyValue("error", String.valueOf(e.getMessage()))
          .log("fleet database unreachable; control goes on, rows wait in the spool and are sent when it returns");
    }
    reachable = false;
  }

  private void refused(NodeClaim.Refused r) {
    refused = true;
    if (!refusedLogged) {
      refusedLogged = true;
      log.atError()
          .addKeyValue("node", identity.node())
          .addKeyValue("hostname", identity.hostname())
          .addKeyValue("holder_hostname", r.holderHostname())
          .addKeyValue("holder_seen", r.holderSeen())
          .log("fleet history: another machine holds this node id; this node keeps controlling and spooling"
              + " but writes nothing into the fleet until the id is free (set a unique history.node-id)");
    }
  }

  private void claimed(NodeClaim.Claimed c) {
    if (refused) {
      log.atInfo().addKeyValue("node", identity.node()).log("fleet history: node id free again; sending the spool");
    }
    c.tookOverFrom().ifPresent(host -> log.atWarn()
        .addKeyValue("node", identity.node())
        .addKeyValue("hostname", identity.hostname())
        .addKeyValue("previous_hostname", host)
        .log("fleet history: took over a node id another machine held and no longer uses"));
    refused = false;
    refusedLogged = false;
  }

  /** Fleet-wide emissions by team, for the team budgets; only when the control loop asked. */
  private void readFleetEmissions(Connection c, Instant now) throws SQLException {
    long from = wantedFromMs;
    if (from == Long.MIN_VALUE) {
      return;
    }
    Map<String, Double> byTeam = new LinkedHashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT team, sum(emissions_g) FROM energy_hour WHERE bucket_ms >= ? GROUP BY team")) {
      ps.setLong(1, from);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          byTeam.put(rs.getString(1), rs.getDouble(2));
        }
      }
    }
    fleetEmissions = new FleetEmissions(from, Map.copyOf(byTeam), now);
  }

  /**
   * The fleet's emissions by team since the hour {@code fromMs}, as read at a round no older
   * than {@code maxAge}; empty when there is none (the next round reads them).
   */
  Optional<Map<String, Double>> fleetEmissions(long fromMs, Instant now, Duration maxAge) {
    wantedFromMs = fromMs;
    FleetEmissions f = fleetEmissions;
    if (f == null || f.fromMs() != fromMs || f.readAt().isBefore(now.minus(maxAge))) {
      return Optional.empty();
    }
    return Optional.of(f.byTeam());
  }

  /** How long to wait after a round: at once while a backlog remains, doubling after failures. */
  Duration delayAfter(Result result, Duration every, Duration maxBackoff) {
    return switch (result) {
      case MORE -> Duration.ZERO;
      case SENT, REFUSED -> every;
      case FAILED -> {
        Duration d = every.multipliedBy(1L << Math.min(failures - 1, 16));
        yield d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
      }
    };
  }

  boolean reachable() {
    return Boolean.TRUE.equals(reachable);
  }

  boolean refusedNow() {
    return refused;
  }

  long rowsSent() {
    return rowsSent.get();
  }

  Optional<Instant> lastSent() {
    return Optional.ofNullable(lastSent);
  }

  /** Releases the node id (a clean stop) and closes the connection. */
  synchronized void close() {
    if (connection != null && !refused) {
      try {
        claim.release(connection);
      } catch (SQLException | RuntimeException e) {
        log.atWarn().addKeyValue("error", String.valueOf(e.getMessage()))
            .log("fleet history: could not release the node id at stop; a restart takes it back anyway");
      }
    }
    close(connection);
    connection = null;
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // a connection that fails to close is gone either way
      }
    }
  }
}
