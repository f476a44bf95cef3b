package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check-config on a {@code fleet} section: a configuration error, exit 78, with its place. */
class CheckConfigFleetTest {

  @TempDir Path dir;

  private Path config(String... lines) throws IOException {
    Files.writeString(dir.resolve("trace.csv"), "time,value\n2023-01-01T00:00:00Z,300\n");
    Files.createDirectories(dir.resolve("teams.d"));
    return Files.writeString(dir.resolve("governor.yaml"), String.join("\n",
        "zone: DE",
        "teams-dir: teams.d",
        "carbon: {sources: [{type: trace, file: trace.csv}]}",
        String.join("\n", lines),
        ""));
  }

  @Test
  void aFleetSectionOnASqliteHistoryIsExit78() throws IOException {
    Path config = config("fleet: {rollup-every: 5m}");
    CommandRun run = CommandRun.of("check-config", "--config", config.toString());
    assertThat(run.exitCode()).as(run.all()).isEqualTo(78);
    assertThat(run.err()).contains("governor.yaml:4:1").contains("fleet jobs need a jdbc:postgresql: history");
  }

  @Test
  void anUnknownFleetKeyIsExit78() throws IOException {
    Path config = config("history: {url: 'jdbc:postgresql://db/governor'}", "fleet: {cluster-checkin: 5s}");
    CommandRun run = CommandRun.of("check-config", "--config", config.toString());
    assertThat(run.exitCode()).as(run.all()).isEqualTo(78);
    assertThat(run.err()).contains("governor.yaml:5:9").contains("unknown key 'cluster-checkin'");
  }
}
