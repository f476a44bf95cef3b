package io.carbongovernor.daemon.history.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.HistoryException;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.testing.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fleet schema on a real PostgreSQL, migrated by nodes that start at once. */
class PostgresMigrationsTest {

  private final PostgresServer.Database db = PostgresServer.shared().createDatabase("migrations", "s3cret pw");
  private final DatabaseLogin login = new DatabaseLogin(Optional.of(db.user()), Optional.of(Secret.of("s3cret pw")));

  @Test
  void threeNodesMigratingAtOnceLeaveOneSchemaAtTheLatestVersion() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Integer>> found = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        found.add(pool.submit(() -> {
          try (Connection c = PostgresConnections.open(db.url(), login, Duration.ofSeconds(30))) {
            return Migrations.POSTGRESQL.migrate(c);
          }
        }));
      }
      for (Future<Integer> f : found) {
        assertThat(f.get(60, TimeUnit.SECONDS)).isBetween(0, Migrations.POSTGRESQL.latestVersion());
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection c = db.connect(); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT count(*), max(version) FROM schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
        assertThat(rs.getInt(2)).isEqualTo(Migrations.POSTGRESQL.latestVersion());
      }
      try (ResultSet rs = st.executeQuery(
          "SELECT count(*) FROM information_schema.columns WHERE column_name = 'node' AND table_schema = 'public'")) {
        rs.next();
        assertThat(rs.getInt(1)).as("every table but the bookkeeping and Quartz's carries its node, fleet_job_runs too")
            .isEqualTo(10);
      }
    }
  }

  @Test
  void aDatabaseMigratedByANewerBuildIsRefused() throws SQLException {
    try (Connection c = PostgresConnections.open(db.url(), login, Duration.ofSeconds(30))) {
      Migrations.POSTGRESQL.migrate(c);
      try (Statement st = c.createStatement()) {
        st.execute("UPDATE schema_version SET version = 99");
      }
      assertThatThrownBy(() -> Migrations.POSTGRESQL.migrate(c))
          .isInstanceOf(HistoryException.class)
          .hasMessageContaining("newer than this build");
    }
  }

  @Test
  void aWrongPasswordFailsWithoutShowingIt() {
    DatabaseLogin wrong = new DatabaseLogin(Optional.of(db.user()), Optional.of(Secret.of("not-the-password")));
    assertThatThrownBy(() -> PostgresConnections.open(db.url(), wrong, Duration.ofSeconds(30)))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageNotContaining("not-the-password");
  }

  @Test
  void aPasswordInTheUrlIsHiddenInMessages() {
    assertThat(PostgresConnections.redacted("jdbc:postgresql://db/fleet?user=gov&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/fleet?user=gov&password=***&ssl=true");
  }
}
