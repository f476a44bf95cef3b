package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Retention;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where history lives and how long it is kept.
 *
 * @param url the history's JDBC url (a relative SQLite path is already resolved)
 * @param login who a PostgreSQL history is opened as; {@link DatabaseLogin#NONE} for SQLite
 * @param nodeId this node's id in a fleet's history; empty: the machine's ({@code /etc/machine-id})
 * @param spoolMaxSamples how many raw samples the local spool keeps while a fleet's database is
 *     away before it drops the oldest (their rollups are kept)
 */
public record HistoryConfig(
    String url, Retention retention, DatabaseLogin login, Optional<String> nodeId, int spoolMaxSamples) {

  public static final int DEFAULT_SPOOL_MAX_SAMPLES = 2_000_000;

  /** A node id: what /etc/machine-id holds (32 hex digits), or a name an admin gives. */
  public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public HistoryConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(nodeId, "nodeId");
    if (spoolMaxSamples < 1) {
      throw new IllegalArgumentException("spool must hold at least one sample, got " + spoolMaxSamples);
    }
  }

  /** A SQLite history (or one whose login the URL carries) with the defaults. */
  public HistoryConfig(String url, Retention retention) {
    this(url, retention, DatabaseLogin.NONE, Optional.empty(), DEFAULT_SPOOL_MAX_SAMPLES);
  }
}
