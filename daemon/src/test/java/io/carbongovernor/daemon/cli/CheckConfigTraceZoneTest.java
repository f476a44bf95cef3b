package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config} warns, and still exits 0, when a trace file names another zone than the one
 * its source is asked for: such a source answers nothing.
 */
class CheckConfigTraceZoneTest {

  /** An Electricity Maps export whose Zone Id is DE, as the bundled DE-LU trace's is. */
  private static final String EXPORT =
      "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
          + "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
          + "Data Estimated,Data Estimation Method\n"
          + "2023-01-01 00:00:00,Germany,Germany,DE,140.51,185.8,83.79,78.42,entsoe.eu,false,\n"
          + "2023-01-01 01:00:00,Germany,Germany,DE,140.44,185.7,83.85,78.93,entsoe.eu,false,\n";

  @TempDir Path dir;

  @BeforeEach
  void files() throws IOException {
    Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(dir.resolve("de.csv"), EXPORT);
    Files.writeString(dir.resolve("plain.csv"), "time,value\n2023-01-01T00:00:00Z,300\n");
  }

  private CommandRun check(String zone, String source) throws IOException {
    Path config = Files.writeString(dir.resolve("governor.yaml"), String.join("\n",
        "zone: " + zone,
        "teams-dir: teams.d",
        "carbon:",
        "  sources:",
        "    - " + source,
        ""));
    return CommandRun.of("check-config", "--config", config.toString());
  }

  @Test
  void aTraceOfAnotherZoneIsAWarningNotAnError() throws IOException {
    CommandRun run = check("DE-LU", "{type: trace, name: de-trace, file: de.csv}");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.err()).isEqualTo(dir.resolve("governor.yaml") + ": warning: carbon source 'de-trace': trace file "
        + dir.resolve("de.csv") + " holds zone DE, but the source is asked for zone DE-LU and will answer nothing;"
        + " set 'zone: DE' on the source (or the top-level zone), or give a trace of DE-LU\n");
    assertThat(run.out()).contains(": ok (zone DE-LU,").contains("1 warning(s))");
  }

  @Test
  void theSourcesOwnZoneIsTheOneCompared() throws IOException {
    CommandRun run = check("DE-LU", "{type: trace, file: de.csv, zone: DE}");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.err()).isEmpty();
  }

  @Test
  void aTraceWithoutAZoneColumnServesAnyZone() throws IOException {
    CommandRun run = check("DE-LU", "{type: trace, file: plain.csv}");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out()).doesNotContain("warning");
  }

  @Test
  void aTraceThatIsNoTraceIsAWarningThatTheSourceWillNotStart() throws IOException {
    Files.writeString(dir.resolve("garbage.csv"), "hello\n");
    CommandRun run = check("DE", "{type: trace, name: bad, file: garbage.csv}");
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.err()).contains("warning: carbon source 'bad': cannot read trace file " + dir.resolve("garbage.csv"))
        .contains("the source will not start");
  }
}
