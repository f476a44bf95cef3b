package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.report.ReportFormat;
import java.nio.file.Path;
import java.time.Period;
import java.util.Objects;

/**
 * The scheduled fleet report: at each firing of {@code cron} (Quartz's syntax, UTC), one report
 * per team and one for the fleet over the {@code range} of whole UTC days that ended at the start
 * of the firing's day, written into {@code directory}.
 */
public record FleetReportConfig(String cron, Path directory, Period range, ReportFormat format) {

  public FleetReportConfig {
    Objects.requireNonNull(cron, "cron");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(format, "format");
    if (range.getDays() < 1 || range.toTotalMonths() != 0) {
      throw new IllegalArgumentException("a report range is a number of days, got " + range);
    }
  }
}
