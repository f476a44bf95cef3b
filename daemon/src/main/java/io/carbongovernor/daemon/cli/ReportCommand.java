package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.Report;
import io.carbongovernor.daemon.report.ReportFormat;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.daemon.report.ReportRange;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The carbon-savings report from the history database; reads only, while the daemon runs. */
@Command(
    name = "report",
    description = "Energy, emissions, avoided emissions and the time they cost, from history.")
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "/etc/carbon-governor/governor.yaml",
      description = "governor.yaml, for the history database (default: ${DEFAULT-VALUE})")
  Path config;

  @Option(names = "--from", paramLabel = "DATE",
      description = "first day (YYYY-MM-DD, UTC) or an instant (2026-11-01T00:00:00Z);"
          + " default: " + ReportRange.DEFAULT_DAYS + " days before the end, the last day included")
  String from;

  @Option(names = "--to", paramLabel = "DATE",
      description = "last day, included (YYYY-MM-DD, UTC), or an instant (excluded); default: today")
  String to;

  @Option(names = "--team", description = "only this team")
  String team;

  @Option(names = "--job", description = "only this job name; '" + Breakdown.NO_JOB + "' for energy outside any job")
  String job;

  @Option(names = "--by", defaultValue = "team", description = "team, job, gpu or day (default: ${DEFAULT-VALUE})")
  String by;

  @Option(names = "--format", defaultValue = "text", description = "text, csv, json or html (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "write here instead of standard output")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand CarbonGovernorCommand parent;

  /** Where "today" comes from, for the default range. */
  private final Clock clock;

  ReportCommand() {
    this(Clock.systemUTC());
  }

  ReportCommand(Clock clock) {
    this.clock = clock;
  }

  @Override
  @SuppressWarnings("try") // the progress is shown while the query runs, and cleared before any message
  public Integer call() {
    ReportRange range;
    try {
      range = ReportRange.parse(Optional.ofNullable(from), Optional.ofNullable(to), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    Breakdown breakdown = choice(Breakdown.class, by, "--by");
    ReportFormat fmt = choice(ReportFormat.class, format, "--format");
    PrintWriter err = spec.commandLine().getErr();
    if (output != null && OutputFile.problem(output).isPresent()) {
      err.printf("carbon-governor report: cannot write %s: %s%n", output, OutputFile.problem(output).get());
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    String url;
    try {
      url = ConfigLoader.load(config, FileChecks.SKIP).history().url();
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "nothing done");
    }
    Report report;
    try (Progress progress = parent.elapsed("report: reading the history")) {
      report = ReportQuery.run(url, range, Optional.ofNullable(team), Optional.ofNullable(job), breakdown);
    } catch (HistoryReadException e) {
      err.printf("carbon-governor report: cannot read history %s: %s%n", url, e.getMessage());
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    String text = fmt.render(report);
    if (output == null) {
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
    } else {
      try {
        OutputFile.write(output, text);
      } catch (OutputFile.Unwritable e) {
        err.printf("carbon-governor report: %s%n", e.getMessage());
        err.flush();
        return ExitCodes.RUNTIME_FAILURE;
      }
    }
    return ExitCodes.OK;
  }

  private <E extends Enum<E>> E choice(Class<E> type, String value, String option) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw usage(option + " must be one of "
          + String.join(", ", Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT)).toList())
          + ", got '" + value + "'");
    }
  }

  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }
}
