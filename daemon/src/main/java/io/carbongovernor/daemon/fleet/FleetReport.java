package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.config.FleetReportConfig;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.Report;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.daemon.report.ReportRange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled fleet report: for the whole UTC days of the configured range that ended when the
 * firing's day began, one report of the fleet by team and one per team by job, each written to a
 * temporary file in the directory and renamed into place, so that a reader never sees half a
 * report. Files are named by what and when: {@code fleet_2026-11-02_2026-11-08.html},
 * {@code team-vision_2026-11-02_2026-11-08.html}.
 */
public final class FleetReport implements FleetTask {

  /** Opens the history the report reads; a new reader for each firing. */
  @FunctionalInterface
  public interface History {
    RollupReader open() throws HistoryReadException;
  }

  private static final Logger log = LoggerFactory.getLogger("fleet");
  /** The team names a team file may have; anything else in the database gets no file of its own. */
  private static final Pattern TEAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final FleetReportConfig config;
  private final History history;

  public FleetReport(FleetReportConfig config, History history) {
    this.config = config;
    this.history = history;
  }

  /** The range a firing at {@code scheduled} reports on: the days before the firing's day. */
  public ReportRange range(Instant scheduled) {
    LocalDate end = LocalDate.ofInstant(scheduled, ZoneOffset.UTC);
    LocalDate first = end.minus(config.range());
    return ReportRange.parse(Optional.of(first.toString()), Optional.of(end.minusDays(1).toString()), end);
  }

  @Override
  public String run(Instant scheduled) throws IOException, HistoryReadException {
    ReportRange range = range(scheduled);
    LocalDate first = LocalDate.ofInstant(range.from(), ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(range.to(), ZoneOffset.UTC).minusDays(1);
    String suffix = "_" + first + "_" + last + "." + extension();
    Path dir = config.directory();
    Files.createDirectories(dir);
    List<String> written = new ArrayList<>();
    try (RollupReader reader = history.open()) {
      Report fleet = ReportQuery.run(reader, range, Optional.empty(), Optional.empty(), Breakdown.TEAM);
      written.add(write(dir, "fleet" + suffix, fleet));
      for (Report.Row row : fleet.rows()) {
        String team = row.key();
        if (team.equals(EnergyRecord.DEFAULT_POLICY) || team.equals(EnergyRecord.IDLE)) {
          continue; // in the fleet's report; no team to send it to
        }
        if (!TEAM_NAME.matcher(team).matches()) {
          log.atWarn().addKeyValue("team", team.replaceAll("[^\\x20-\\x7e]", "?"))
              .log("fleet report: a team name no team file can have; it is in the fleet report only");
          continue;
        }
        Report own = ReportQuery.run(reader, range, Optional.of(team), Optional.empty(), Breakdown.JOB);
        written.add(write(dir, "team-" + team + suffix, own));
      }
    }
    return written.size() + " reports for " + range.label() + " in " + dir;
  }

  private String extension() {
    return switch (config.format()) {
      case TEXT -> "txt";
      default -> config.format().word();
    };
  }

  /** Writes {@code name} whole or not at all; an earlier file of that name is replaced. */
  private String write(Path dir, String name, Report report) throws IOException {
    Path temp = Files.createTempFile(dir, "." + name + ".", ".tmp");
    try {
      Files.writeString(temp, config.format().render(report), StandardCharsets.UTF_8);
      // Readable to whoever may read the directory: its permissions decide.
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    return name;
  }
}
