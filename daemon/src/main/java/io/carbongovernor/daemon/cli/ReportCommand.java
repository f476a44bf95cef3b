package io.carbongovernor.daemon.cli;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.history.HostName;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.Report;
import io.carbongovernor.daemon.report.ReportFormat;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.daemon.report.ReportRange;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
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

/**
 * The carbon-savings report from the history database; reads only, while the daemon runs. A
 * fleet's report runs on any machine that reaches the fleet's database.
 */
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

  @Option(names = "--node", description = "only this node: its id in a fleet's history; in a node's own history,"
      + " the host name of the machine that reads it")
  String node;

  @Option(names = "--by", defaultValue = "team",
      description = "team, job, gpu, day or node (default: ${DEFAULT-VALUE})")
  String by;

  @Option(names = "--history", paramLabel = "URL",
      description = "read this history instead of the one --config names: a fleet's database"
          + " (jdbc:postgresql://host:5432/db) from any machine, or a jdbc:sqlite: file")
  String history;

  @Option(names = "--history-user", paramLabel = "USER", description = "log in to the --history database as USER")
  String historyUser;

  @Option(names = "--history-password-file", paramLabel = "FILE",
      description = "the --history database's password, the file's first line; without it, $PGPASSWORD,"
          + " then ~/.pgpass (a password is never taken on the command line, where every local user sees it)")
  Path historyPasswordFile;

  @Option(names = "--format", defaultValue = "text", description = "text, csv, json or html (default: ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--output", paramLabel = "FILE", description = "write here instead of standard output")
  Path output;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand CarbonGovernorCommand parent;

  /** The largest password file read; passwords are far smaller. */
  private static final ByteSize PASSWORD_FILE_MAX = ByteSize.ofKibibytes(64);

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
    DatabaseLogin login;
    if (history != null) {
      url = history;
      try {
        login = commandLineLogin();
      } catch (IOException e) {
        err.printf("carbon-governor report: %s%n", e.getMessage());
        err.flush();
        return ExitCodes.RUNTIME_FAILURE;
      }
    } else {
      if (historyUser != null || historyPasswordFile != null) {
        throw usage("--history-user and --history-password-file go with --history");
      }
      try {
        HistoryConfig configured = ConfigLoader.load(config, FileChecks.HISTORY_LOGIN).history();
        url = configured.url();
        login = configured.login();
      } catch (InvalidConfigException e) {
        return InvalidConfigReport.print(err, config, e, "nothing done");
      }
    }
    Report report;
    try (Progress progress = parent.elapsed("report: reading the history");
        RollupReader reader = RollupReader.openReadOnly(url, login, HostName.local())) {
      report = ReportQuery.run(reader, range, Optional.ofNullable(team), Optional.ofNullable(job),
          Optional.ofNullable(node), breakdown);
    } catch (HistoryReadException e) {
      err.printf("carbon-governor report: cannot read history %s: %s%n", PostgresConnections.redacted(url),
          e.getMessage());
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

  /**
   * The login for {@code --history}: the user given, the password from its file, else from
   * {@code PGPASSWORD}, else none (the driver then reads {@code ~/.pgpass}).
   */
  private DatabaseLogin commandLineLogin() throws IOException {
    boolean postgres = PostgresConnections.serves(history);
    if (!postgres && !history.startsWith("jdbc:sqlite:")) {
      throw usage("--history must be a jdbc:postgresql: or jdbc:sqlite: url, got '" + PostgresConnections.redacted(history) + "'");
    }
    if (!postgres && (historyUser != null || historyPasswordFile != null)) {
      throw usage("--history-user and --history-password-file are for a jdbc:postgresql: history");
    }
    if (postgres && history.matches("(?i).*[?&]password=.*")) {
      throw usage("give the password with --history-password-file, $PGPASSWORD or ~/.pgpass, not in the url,"
          + " which every local user sees in the process list");
    }
    if (!postgres) {
      return DatabaseLogin.NONE;
    }
    Optional<Secret> password;
    if (historyPasswordFile != null) {
      password = Optional.of(passwordFile(historyPasswordFile));
    } else {
      String env = System.getenv("PGPASSWORD");
      password = env == null || env.isEmpty() ? Optional.empty() : Optional.of(Secret.of(env));
    }
    return new DatabaseLogin(Optional.ofNullable(historyUser), password);
  }

  /** A password file's first line; messages name the file, never what it holds. */
  private static Secret passwordFile(Path file) throws IOException {
    String text;
    try {
      text = InputFiles.readString(file, PASSWORD_FILE_MAX);
    } catch (NoSuchFileException e) {
      throw new IOException("password file " + file + " does not exist", e);
    } catch (UnsuitableFileException e) {
      throw new IOException("password file " + file + " " + e.reason(), e);
    } catch (IOException e) {
      throw new IOException("cannot read password file " + file + " (" + e.getClass().getSimpleName() + ")", e);
    }
    String line = text.lines().findFirst().orElse("");
    if (line.isEmpty()) {
      throw new IOException("password file " + file + " is empty");
    }
    return Secret.of(line);
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
