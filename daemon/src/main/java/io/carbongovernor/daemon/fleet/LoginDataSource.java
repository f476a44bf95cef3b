package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * New connections to the fleet's database as the history's login, for the pool: the password
 * stays in the {@link DatabaseLogin} and is given to the driver only when connecting, never to
 * a properties object that a pool or Quartz might log.
 */
final class LoginDataSource implements DataSource {

  private final String jdbcUrl;
  private final DatabaseLogin login;
  private final Duration socketTimeout;

  LoginDataSource(String jdbcUrl, DatabaseLogin login, Duration socketTimeout) {
    this.jdbcUrl = jdbcUrl;
    this.login = login;
    this.socketTimeout = socketTimeout;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return PostgresConnections.open(jdbcUrl, login, socketTimeout);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("the fleet's connections use the history's login");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  @Override
  public String toString() {
    return "fleet database " + PostgresConnections.redacted(jdbcUrl);
  }
}
