package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.report.ReportFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code fleet} section: its defaults, its keys, and that it needs a PostgreSQL history. */
class FleetConfigTest {

  private static final String POSTGRES = ConfigFiles.VALID + "history: {url: 'jdbc:postgresql://db/governor'}\n";

  @TempDir Path dir;
  private ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  @Test
  void withoutTheSectionAFleetHistoryStillRunsRollupAndRetention() throws Exception {
    assertThat(files.load(POSTGRES).fleet()).contains(FleetConfig.DEFAULTS);
    assertThat(FleetConfig.DEFAULTS.report()).isEmpty();
  }

  @Test
  void anEmptySectionTakesTheDefaults() throws Exception {
    assertThat(files.load(POSTGRES + "fleet: {}\n").fleet())
        .contains(new FleetConfig(Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofHours(1), Optional.empty()));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    FleetConfig fleet = files.load(POSTGRES + """
        fleet:
          cluster-check-in: 2s
          rollup-every: 1m
          retention-every: 6h
          report: {cron: "0 0 6 ? * MON", directory: reports, range: 14d, format: csv}
        """).fleet().orElseThrow();
    assertThat(fleet.clusterCheckIn()).hasSeconds(2);
    assertThat(fleet.rollupEvery()).hasMinutes(1);
    assertThat(fleet.retentionEvery()).hasHours(6);
    assertThat(fleet.report()).contains(
        new FleetReportConfig("0 0 6 ? * MON", dir.resolve("reports"), Period.ofDays(14), ReportFormat.CSV));
  }

  @Test
  void aReportTakesSevenDaysOfHtmlByDefault() throws Exception {
    FleetReportConfig report = files.load(POSTGRES + "fleet: {report: {cron: '0 0 6 * * ?', directory: /srv/r}}\n")
        .fleet().orElseThrow().report().orElseThrow();
    assertThat(report.range()).isEqualTo(Period.ofDays(7));
    assertThat(report.format()).isEqualTo(ReportFormat.HTML);
  }

  @Test
  void aSqliteHistoryRefusesTheSection() {
    files.assertOnly(ConfigFiles.VALID + "fleet: {rollup-every: 5m}\n", 7, 1,
        "fleet: fleet jobs need a jdbc:postgresql: history (history.url)");
  }

  @Test
  void unknownKeysAreErrorsWithTheirPlace() {
    List<ConfigProblem> problems = files.problems(POSTGRES + """
        fleet:
          rollup-evry: 5m
          report: {cron: "0 0 6 ? * MON", directory: /srv/r, formats: html}
        """);
    assertThat(problems).containsExactly(
        new ConfigProblem(files.governor(), 9, 3, "fleet: unknown key 'rollup-evry' (did you mean 'rollup-every'?)"),
        new ConfigProblem(files.governor(), 10, 54, "fleet.report: unknown key 'formats' (did you mean 'format'?)"));
  }

  @Test
  void badValuesAreErrors() {
    List<ConfigProblem> problems = files.problems(POSTGRES + """
        fleet:
          cluster-check-in: 0s
          report: {cron: "every monday", range: 36h, format: pdf}
        """);
    assertThat(problems).extracting(ConfigProblem::message).containsExactlyInAnyOrder(
        "fleet.cluster-check-in: must be between 1s and 10m, got 0s",
        "fleet.report: missing required key 'directory'",
        "fleet.report.cron: expected a Quartz cron expression like \"0 0 6 ? * MON\" (seconds minutes hours"
            + " day-of-month month day-of-week, UTC), got 'every monday': Illegal characters for this position: 'EVE'",
        "fleet.report.range: expected whole days from 1d to 366d, like 7d, got '36h'",
        "fleet.report.format: expected one of text, csv, json, html, got 'pdf'");
  }
}
