package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.report.ReportFormat;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Period;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.quartz.CronExpression;

/** Reads the {@code fleet} section: the fleet-wide jobs, which need a PostgreSQL history. */
final class FleetConfigReader {

  // Package-private for the reference test (governor.yaml(5) lists each).
  static final Set<String> KEYS = Set.of("cluster-check-in", "rollup-every", "retention-every", "report");
  static final Set<String> REPORT_KEYS = Set.of("cron", "directory", "range", "format");

  static final Period DEFAULT_REPORT_RANGE = Period.ofDays(7);

  private FleetConfigReader() {}

  /**
   * The section, or empty when absent. With a history that is not PostgreSQL the section is an
   * error: the nodes share the schedule through that database.
   */
  static Optional<FleetConfig> read(Optional<ConfigValue> section, boolean postgresHistory) {
    if (section.isEmpty()) {
      // A fleet's history always has its rollup and retention: someone must run them.
      return postgresHistory ? Optional.of(FleetConfig.DEFAULTS) : Optional.empty();
    }
    ConfigValue value = section.get();
    if (!postgresHistory) {
      value.problemAt(value.keyLocation(), "fleet jobs need a jdbc:postgresql: history (history.url)");
      return Optional.empty();
    }
    Optional<ConfigMap> map = value.asMap();
    if (map.isEmpty()) {
      return Optional.empty();
    }
    ConfigMap fleet = map.get();
    fleet.allowOnly(KEYS);
    return Optional.of(new FleetConfig(
        fleet.duration("cluster-check-in", FleetConfig.DEFAULT_CLUSTER_CHECK_IN,
            Duration.ofSeconds(1), Duration.ofMinutes(10)),
        fleet.duration("rollup-every", FleetConfig.DEFAULT_ROLLUP_EVERY, Duration.ofSeconds(1), Duration.ofHours(24)),
        fleet.duration("retention-every", FleetConfig.DEFAULT_RETENTION_EVERY,
            Duration.ofSeconds(1), Duration.ofDays(7)),
        fleet.map("report").flatMap(FleetConfigReader::report)));
  }

  private static Optional<FleetReportConfig> report(ConfigMap report) {
    report.allowOnly(REPORT_KEYS);
    Optional<String> cron = report.require("cron").flatMap(v -> v.parsed(FleetConfigReader::cron));
    Optional<Path> directory = report.require("directory").flatMap(ConfigValue::asPath);
    Period range = report.get("range").flatMap(v -> v.parsed(FleetConfigReader::days)).orElse(DEFAULT_REPORT_RANGE);
    ReportFormat format =
        report.get("format").flatMap(v -> v.parsed(FleetConfigReader::format)).orElse(ReportFormat.HTML);
    if (cron.isEmpty() || directory.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new FleetReportConfig(cron.get(), directory.get(), range, format));
  }

  private static String cron(String text) {
    try {
      CronExpression.validateExpression(text);
      return text;
    } catch (ParseException e) {
      throw new IllegalArgumentException("expected a Quartz cron expression like \"0 0 6 ? * MON\" (seconds"
          + " minutes hours day-of-month month day-of-week, UTC), got '" + text + "': " + e.getMessage());
    }
  }

  /** Whole days: {@code 7d}, from one day to a year. */
  private static Period days(String text) {
    Duration d = Durations.parse(text);
    if (d.isZero() || !d.equals(Duration.ofDays(d.toDays())) || d.toDays() > 366) {
      throw new IllegalArgumentException("expected whole days from 1d to 366d, like 7d, got '" + text + "'");
    }
    return Period.ofDays((int) d.toDays());
  }

  private static ReportFormat format(String text) {
    return Arrays.stream(ReportFormat.values())
        .filter(f -> f.word().equals(text))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("expected one of "
            + String.join(", ", Arrays.stream(ReportFormat.values()).map(ReportFormat::word).toList())
            + ", got '" + text + "'"));
  }
}
