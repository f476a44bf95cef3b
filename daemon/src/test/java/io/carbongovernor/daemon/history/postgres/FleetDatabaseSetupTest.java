package io.carbongovernor.daemon.history.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Migrations;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.testing.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The database setup that docs/fleet.md gives an admin, run as written against a real server:
 * the node role migrates and writes, the report role reads and cannot write.
 */
class FleetDatabaseSetupTest {

  private static final Path GUIDE = Path.of("..", "docs", "fleet.md");

  private final PostgresServer server = PostgresServer.shared();

  @Test
  void theGuidesSetupLetsNodesWriteAndReportsOnlyRead() throws Exception {
    runAsSuperuser(setupBlock());
    try (Connection c = server.admin("carbon_governor"); Statement st = c.createStatement()) {
      // What \password does in psql, here in plain SQL.
      st.execute("ALTER ROLE carbon_governor PASSWORD 'node-pw'");
      st.execute("ALTER ROLE carbon_governor_report PASSWORD 'report-pw'");
    }
    String url = server.url("carbon_governor");
    DatabaseLogin node = new DatabaseLogin(Optional.of("carbon_governor"), Optional.of(Secret.of("node-pw")));
    DatabaseLogin report =
        new DatabaseLogin(Optional.of("carbon_governor_report"), Optional.of(Secret.of("report-pw")));

    try (Connection c = PostgresConnections.open(url, node, Duration.ofSeconds(30))) {
      Migrations.POSTGRESQL.migrate(c);
      try (Statement st = c.createStatement()) {
        st.executeUpdate("INSERT INTO nodes (node, hostname, instance, started_ms, seen_ms)"
            + " VALUES ('n1', 'gpu-01', 'i1', 0, 0)");
      }
    }
    try (Connection c = PostgresConnections.open(url, report, Duration.ofSeconds(30));
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("SELECT hostname FROM nodes")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("gpu-01");
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM energy_hour")) {
        assertThat(rs.next()).isTrue();
      }
      assertThatThrownBy(() -> st.executeUpdate("DELETE FROM nodes"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> st.execute("CREATE TABLE mine (x int)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("permission denied");
    }
    // What a report from a person's machine does, as the report role.
    try (RollupReader reader = RollupReader.openReadOnly(url, report, "unused")) {
      assertThat(reader.sumsBy(RollupReader.Key.NODE, new RollupReader.Filter(Instant.EPOCH,
          Instant.parse("2100-01-01T00:00:00Z"), Optional.empty(), Optional.empty(), Optional.empty()))).isEmpty();
    }
  }

  /** The first ```sql block under "## Set up the database". */
  private static String setupBlock() throws IOException {
    String guide = Files.readString(GUIDE);
    int section = guide.indexOf("## Set up the database");
    assertThat(section).as("docs/fleet.md has its setup section").isNotNegative();
    Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(guide);
    assertThat(m.find(section)).as("a sql block in the setup section").isTrue();
    return m.group(1);
  }

  /** Runs the block's statements in order; psql's {@code \c db} switches database as psql does. */
  private void runAsSuperuser(String block) throws SQLException {
    List<String> statements = new ArrayList<>();
    for (String line : block.split("\n")) {
      if (!line.isBlank()) {
        statements.add(line.strip());
      }
    }
    Connection c = server.admin("postgres");
    try {
      for (String s : statements) {
        if (s.startsWith("\\c ")) {
          c.close();
          c = server.admin(s.substring(3).strip());
          continue;
        }
        assertThat(s).as("one statement per line").endsWith(";");
        try (Statement st = c.createStatement()) {
          st.execute(s);
        }
      }
    } finally {
      c.close();
    }
  }
}
