package io.carbongovernor.daemon.fleet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.carbongovernor.daemon.history.DatabaseLogin;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.utils.ConnectionProvider;

/**
 * The fleet scheduler's small pool of connections: Quartz's job store borrows one for each step
 * (a check-in, an acquisition, a job's completion) and the audit one for each firing. Nothing
 * waits on the database at start: the pool opens connections when asked.
 */
final class FleetConnections implements ConnectionProvider, AutoCloseable {

  /** Quartz's threads (scheduler, cluster manager, misfire handler) and the workers, with room. */
  private static final int SIZE = FleetScheduler.WORKERS + 4;
  /** A query waiting longer than this on a silent database fails instead of hanging a thread. */
  private static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final HikariDataSource pool;

  FleetConnections(String jdbcUrl, DatabaseLogin login) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("carbon-governor-fleet-" + POOLS.incrementAndGet());
    config.setDataSource(new LoginDataSource(jdbcUrl, login, SOCKET_TIMEOUT));
    config.setMaximumPoolSize(SIZE);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
    // Start without the database; connections are made when a step needs one.
    config.setInitializationFailTimeout(-1);
    config.setAutoCommit(true);
    pool = new HikariDataSource(config);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return pool.getConnection();
  }

  @Override
  public void initialize() {}

  /** Quartz's job store calls this when its scheduler shuts down. */
  @Override
  public void shutdown() {
    pool.close();
  }

  @Override
  public void close() {
    pool.close();
  }

  String name() {
    return pool.getPoolName();
  }
}
