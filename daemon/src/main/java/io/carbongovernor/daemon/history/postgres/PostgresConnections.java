package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.history.DatabaseLogin;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * Connections to a fleet's PostgreSQL. Every wait is bounded: the daemon's writer runs beside
 * the control loop and a report must not hang on a database that stopped answering.
 */
public final class PostgresConnections {

  /** The URL prefix this backend serves. */
  public static final String URL_PREFIX = "jdbc:postgresql:";

  /** How long connecting may take before the database counts as away. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private PostgresConnections() {}

  public static boolean serves(String jdbcUrl) {
    return jdbcUrl.startsWith(URL_PREFIX);
  }

  /**
   * Opens a connection as {@code login}, with reads bounded by {@code socketTimeout} (a query or a
   * batch that takes longer fails instead of hanging).
   */
  public static Connection open(String jdbcUrl, DatabaseLogin login, Duration socketTimeout) throws SQLException {
    Properties p = new Properties();
    login.user().ifPresent(u -> p.setProperty("user", u));
    login.password().ifPresent(s -> p.setProperty("password", s.reveal()));
    p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
    p.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
    p.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    p.setProperty("tcpKeepAlive", "true");
    p.setProperty("ApplicationName", "carbon-governor");
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /**
   * The URL without any password or other secret parameter, for messages: an admin may have put
   * one there although the config refuses it.
   */
  public static String redacted(String jdbcUrl) {
    return jdbcUrl.replaceAll("(?i)((?:password|sslpassword|sslkey)=)[^&]*", "$1***");
  }
}
