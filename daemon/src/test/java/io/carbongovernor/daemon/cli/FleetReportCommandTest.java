package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.history.HostName;
import io.carbongovernor.daemon.history.postgres.FleetHistory;
import io.carbongovernor.daemon.history.postgres.FleetTestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report} on a fleet's PostgreSQL, by node and of one node, from the config or a bare URL. */
class FleetReportCommandTest {

  private static final String PASSWORD = "fleet report pw";
  private static final String[] RANGE = {"--from", "2026-11-01", "--to", "2026-11-04"};

  @TempDir Path dir;
  private FleetTestDatabase fleet;
  private Path passwordFile;

  @BeforeEach
  void fleet() throws Exception {
    String a = "jdbc:sqlite:" + dir.resolve("a.db");
    String b = "jdbc:sqlite:" + dir.resolve("b.db");
    FleetHistory.writeNodeA(a);
    FleetHistory.writeNodeB(b);
    fleet = FleetTestDatabase.create("fleetreport", PASSWORD);
    fleet.copy(a, "node-a", Instant.parse("2026-11-04T07:00:00Z"));
    fleet.copy(b, "node-b", Instant.parse("2026-11-04T07:00:00Z"));
    passwordFile = secret("password", PASSWORD + "\n");
  }

  private Path secret(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private CommandRun report(String... args) {
    String[] all = new String[1 + RANGE.length + args.length];
    all[0] = "report";
    System.arraycopy(RANGE, 0, all, 1, RANGE.length);
    System.arraycopy(args, 0, all, 1 + RANGE.length, args.length);
    return CommandRun.of(all);
  }

  @Test
  void aFleetReportByNodeFromTheDatabaseUrlAlone() {
    CommandRun run = report("--history", fleet.database().url(), "--history-user", fleet.database().user(),
        "--history-password-file", passwordFile.toString(), "--by", "node");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out()).contains("NODE").containsPattern("(?m)^node-a ").containsPattern("(?m)^node-b ")
        .contains("TOTAL");
  }

  @Test
  void oneNodesReportFromTheConfigsHistorySection() throws Exception {
    Path config = dir.resolve("governor.yaml");
    Files.writeString(config, "zone: Z\ncarbon: {sources: [{type: uk}]}\nhistory: {url: \"" + fleet.database().url()
        + "\", user: " + fleet.database().user() + ", password-file: " + passwordFile + "}\n");
    CommandRun json = report("--config", config.toString(), "--node", "node-b", "--format", "json");
    assertThat(json.exitCode()).as(json.all()).isZero();
    assertThat(json.out()).contains("\"node\" : \"node-b\"").contains("\"key\" : \"nlp\"").doesNotContain("vision");
    CommandRun text = report("--config", config.toString(), "--node", "node-b");
    assertThat(text.out()).startsWith("Carbon Governor report 2026-11-01 to 2026-11-04, node node-b");
    CommandRun csv = report("--config", config.toString(), "--by", "node", "--format", "csv");
    assertThat(csv.out()).startsWith("node,energy_kwh,");
    assertThat(csv.out().lines()).hasSize(4);
  }

  @Test
  void aWrongPasswordFailsNamingTheDatabaseButNotThePassword() throws Exception {
    Path wrong = secret("wrong", "not-the-password\n");
    CommandRun run = report("--history", fleet.database().url(), "--history-user", fleet.database().user(),
        "--history-password-file", wrong.toString());
    assertThat(run.exitCode()).isOne();
    assertThat(run.err()).contains("cannot read history " + fleet.database().url())
        .contains("password authentication failed").doesNotContain("not-the-password");
    assertThat(run.out()).doesNotContain("TOTAL");
  }

  @Test
  void aPasswordNeverComesOnTheCommandLine() {
    CommandRun inUrl = report("--history", fleet.database().url() + "?password=" + PASSWORD);
    assertThat(inUrl.exitCode()).isEqualTo(2);
    assertThat(inUrl.err()).contains("--history-password-file").doesNotContain(PASSWORD);
    assertThat(report("--history-user", "someone").exitCode()).isEqualTo(2);
    assertThat(report("--history", "jdbc:sqlite:" + dir.resolve("a.db"), "--history-user", "x").exitCode())
        .isEqualTo(2);
  }

  @Test
  void aNodesOwnHistoryIsOneNodeNamedByItsHostName() {
    CommandRun run = report("--history", "jdbc:sqlite:" + dir.resolve("a.db"), "--by", "node", "--format", "csv");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out().lines()).hasSize(3).element(1).asString().startsWith(HostName.local() + ",");
    assertThat(report("--history", "jdbc:sqlite:" + dir.resolve("a.db"), "--node", "elsewhere").out())
        .contains("No history in this range.");
  }
}
