package io.carbongovernor.daemon.history.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * This daemon's hold on its node id in the fleet's {@code nodes} table. Each start is a new
 * instance. The id is free when no one holds it, when its holder stopped (and released it), when
 * its holder was not seen within {@link #window} (a crash, a machine gone), or when the holder is
 * the previous run of this very spool (a restart after a crash takes its id back at once).
 * Otherwise another machine holds it: this one is refused, and asks again at every round.
 */
final class NodeClaim {

  /** What a claim found. */
  sealed interface Outcome {}

  record Claimed(Optional<String> tookOverFrom) implements Outcome {}

  record Refused(String holderHostname, Instant holderSeen) implements Outcome {}

  private final NodeIdentity identity;
  private final String instance;
  private final Optional<String> previousInstance;
  private final Duration window;

  NodeClaim(NodeIdentity identity, String instance, Optional<String> previousInstance, Duration window) {
    this.identity = identity;
    this.instance = instance;
    this.previousInstance = previousInstance;
    this.window = window;
  }

  String instance() {
    return instance;
  }

  Duration window() {
    return window;
  }

  /** Claims (or keeps) the id, in its own transaction. */
  Outcome claim(Connection fleet, Instant now) throws SQLException {
    return PostgresTransactions.run(fleet, c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO nodes (node, hostname, instance, started_ms, seen_ms)"
          + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (node) DO NOTHING")) {
        ps.setString(1, identity.node());
        ps.setString(2, identity.hostname());
        ps.setString(3, instance);
        ps.setLong(4, now.toEpochMilli());
        ps.setLong(5, now.toEpochMilli());
        if (ps.executeUpdate() == 1) {
          return new Claimed(Optional.empty());
        }
      }
      String holderHost;
      String holder;
      long seen;
      try (PreparedStatement ps =
          c.prepareStatement("SELECT hostname, instance, seen_ms FROM nodes WHERE node = ? FOR UPDATE")) {
        ps.setString(1, identity.node());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          holderHost = rs.getString(1);
          holder = rs.getString(2);
          seen = rs.getLong(3);
        }
      }
      if (holder.equals(instance)) {
        seen(c, now);
        return new Claimed(Optional.empty());
      }
      boolean free = holder.isEmpty()
          || previousInstance.filter(holder::equals).isPresent()
          || seen < now.minus(window).toEpochMilli();
      if (!free) {
        return new Refused(holderHost, Instant.ofEpochMilli(seen));
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE nodes SET hostname = ?, instance = ?, started_ms = ?, seen_ms = ? WHERE node = ?")) {
        ps.setString(1, identity.hostname());
        ps.setString(2, instance);
        ps.setLong(3, now.toEpochMilli());
        ps.setLong(4, now.toEpochMilli());
        ps.setString(5, identity.node());
        ps.executeUpdate();
      }
      return new Claimed(holderHost.equals(identity.hostname()) ? Optional.empty() : Optional.of(holderHost));
    });
  }

  /**
   * Keeps the claim fresh inside a sending transaction; false when another instance took the id
   * meanwhile (the transaction must then not commit).
   */
  boolean seen(Connection fleet, Instant now) throws SQLException {
    try (PreparedStatement ps = fleet.prepareStatement("UPDATE nodes SET seen_ms = ? WHERE node = ? AND instance = ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, identity.node());
      ps.setString(3, instance);
      return ps.executeUpdate() == 1;
    }
  }

  /** Gives the id up at a clean stop, so that a restart (on this or another machine) takes it at once. */
  void release(Connection fleet) throws SQLException {
    try (PreparedStatement ps = fleet.prepareStatement("UPDATE nodes SET instance = '' WHERE node = ? AND instance = ?")) {
      ps.setString(1, identity.node());
      ps.setString(2, instance);
      ps.executeUpdate();
    }
  }
}
