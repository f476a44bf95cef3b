package io.carbongovernor.daemon.cli;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSourceException;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceColumn;
import io.carbongovernor.carbon.TraceFormatException;
import io.carbongovernor.carbon.TraceTiming;
import io.carbongovernor.common.UnsuitableFileException;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.Durations;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.config.SourceConfig;
import io.carbongovernor.daemon.control.CarbonSourceFactory;
import io.carbongovernor.daemon.control.StartupException;
import io.carbongovernor.policy.defer.DeferSettings;
import io.carbongovernor.policy.defer.DeferredJob;
import io.carbongovernor.policy.defer.StartPlan;
import io.carbongovernor.policy.defer.StartPlanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * When to start a job that may finish any time before its deadline: prints the best start as
 * local time for {@code sbatch --begin=}, and on standard error what it expects against starting
 * now. Reads the configured sources (--config), a trace file (--trace), or else the bundled
 * California 2023 trace replayed on this year. Bad options exit 2, an invalid config 78.
 */
@Command(
    name = "when",
    sortOptions = false,
    description = {
      "Print the best time to start a job that runs about --expected and must be done by --deadline.",
      "Standard output: the start as local time YYYY-MM-DDTHH:MM:SS, for sbatch --begin=$(carbon-governor when ...);"
          + " standard error: the expected carbon intensity against starting now, and why.",
      "The start is never after the latest feasible start (the deadline less the expected duration at --slowdown,"
          + " less --margin); with no forecast and no history it is now."
    })
final class WhenCommand implements Callable<Integer> {

  /** The bundled trace used without --config or --trace, replayed on the current year. */
  static final String DEFAULT_TRACE = "/io/carbongovernor/daemon/traces/US-CAL-CISO_2023_hourly.csv";

  /** What the history forecaster reads back: a week and a day. */
  static final Duration HISTORY = Duration.ofDays(8);

  private static final Duration LONGEST = Duration.ofDays(30);

  static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

  @Option(names = "--expected", required = true, paramLabel = "DURATION",
      description = "how long the job runs at full speed (6h, 1h30m; at most 30d)")
  String expected;

  @Option(names = "--deadline", required = true, paramLabel = "DURATION|TIME",
      description = "when it must be done: a duration from now (24h) or a time (2026-12-08T06:00, local in"
          + " --time-zone, or with an offset: 2026-12-08T05:00:00Z)")
  String deadline;

  @Option(names = "--slowdown", paramLabel = "PCT",
      description = "how much longer than --expected the power policy may make the job run, percent (default 5,"
          + " forecast's budget; 0 for a job run at full speed)")
  double slowdown = DeferSettings.DEFAULTS.slowdown() * 100;

  @Option(names = "--margin", paramLabel = "DURATION",
      description = "time kept free before the deadline on top of that (default 15m)")
  String margin;

  @CommandLine.ArgGroup(exclusive = true)
  Signals signals;

  static final class Signals {
    @Option(names = "--config", paramLabel = "FILE", description = "governor.yaml: ask its carbon sources, in order")
    Path config;

    @Option(names = "--trace", paramLabel = "FILE",
        description = "a carbon trace (Electricity Maps hourly export or time,value CSV), replayed on the current year")
    Path trace;
  }

  @Option(names = "--time-zone", paramLabel = "ZONE",
      description = "the zone of the printed start and of a --deadline without offset (default: this machine's,"
          + " as sbatch reads --begin)")
  String timeZone;

  @Option(names = "--format", paramLabel = "text|json",
      description = "text: the start alone on standard output, details on standard error (default); json: one"
          + " object with the start and the details on standard output")
  String format = "text";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Clock clock;

  /** For tools that build the commands by class, the man page and completion generators. */
  WhenCommand() {
    this(Clock.systemUTC());
  }

  WhenCommand(Clock clock) {
    this.clock = clock;
  }

  /** A problem with the command line (exit 2) or an input file (exit 78). */
  static final class Failure extends RuntimeException {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  /** What the sources said: the current signal and forecast, the history, and each problem met. */
  record Known(List<CarbonSignal> known, List<CarbonSignal> history, List<String> problems, String from) {}

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run();
    } catch (Failure f) {
      if (f.getMessage() != null) {
        err.println("when: " + f.getMessage());
      }
      err.flush();
      return f.exitCode;
    }
  }

  private int run() {
    if (!List.of("text", "json").contains(format)) {
      throw usage("--format must be text or json, got '" + format + "'");
    }
    ZoneId zone = zone();
    Instant now = clock.instant();
    Duration run = duration("--expected", expected);
    if (run.isZero() || run.compareTo(LONGEST) > 0) {
      throw usage("--expected must be above 0 and at most 30d, got " + expected);
    }
    if (!(slowdown >= 0 && slowdown <= 100)) {
      throw usage("--slowdown must be from 0 to 100 (percent), got " + slowdown);
    }
    Duration keep = margin == null ? DeferSettings.DEFAULTS.margin() : duration("--margin", margin);
    if (keep.compareTo(LONGEST) > 0) {
      throw usage("--margin must be at most 30d, got " + margin);
    }
    Instant due = deadline(now, zone);
    if (Duration.between(now, due).compareTo(LONGEST.plus(LONGEST)) > 0) {
      throw usage("--deadline must be within 60d, got " + deadline);
    }
    DeferSettings settings = new DeferSettings(slowdown / 100, keep);
    DeferredJob job = new DeferredJob(run, due);
    Instant latest = job.latestStart(settings);
    Duration horizon = Duration.between(now, latest.isAfter(now) ? latest : now)
        .plus(settings.plannedRun(run)).plus(Duration.ofHours(1));
    Known k = ask(now, horizon);
    StartPlan plan = new StartPlanner(settings).plan(now, job, k.known(), k.history());
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    WhenOutput output = new WhenOutput(plan, job, zone, k);
    if (format.equals("json")) {
      output.json(out);
    } else {
      out.println(LOCAL.format(plan.start().truncatedTo(ChronoUnit.SECONDS).atZone(zone)));
      output.details(err);
    }
    out.flush();
    err.flush();
    return ExitCodes.OK;
  }

  private ZoneId zone() {
    if (timeZone == null) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(timeZone.strip());
    } catch (DateTimeException e) {
      throw usage("--time-zone must be a zone like Europe/Berlin or UTC, got '" + timeZone + "'");
    }
  }

  /** A duration from now, or a time: local in {@code zone}, or with an offset. */
  private Instant deadline(Instant now, ZoneId zone) {
    try {
      return DeadlineOption.parse(deadline, now, zone);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
  }

  /** Asks the sources chosen: --config's in order, --trace, or the bundled trace. */
  private Known ask(Instant now, Duration horizon) {
    List<Named> sources = new ArrayList<>();
    if (signals != null && signals.config != null) {
      GovernorConfig loaded;
      try {
        loaded = ConfigLoader.load(signals.config, FileChecks.CHECK);
      } catch (InvalidConfigException e) {
        InvalidConfigReport.print(spec.commandLine().getErr(), signals.config, e, "no start planned");
        throw new Failure(ExitCodes.INVALID_CONFIG, null);
      }
      List<String> problems = new ArrayList<>();
      for (SourceConfig s : loaded.carbon().sources()) {
        try {
          sources.add(new Named(CarbonSourceFactory.create(s, clock), s.zone().orElse(loaded.zone())));
        } catch (StartupException e) {
          problems.add(s.name() + ": " + e.getMessage());
        }
      }
      return ask(sources, now, horizon, problems, signals.config.toString());
    }
    CarbonTrace trace = signals != null && signals.trace != null ? readTrace(signals.trace) : bundledTrace();
    String name = signals != null && signals.trace != null ? signals.trace.toString() : "bundled trace US-CAL-CISO 2023";
    CarbonSource source = CarbonSources.trace(trace, clock, TraceTiming.YEAR_ALIGNED, "trace");
    return ask(List.of(new Named(source, trace.zone().orElse("trace"))), now, horizon, new ArrayList<>(), name);
  }

  private record Named(CarbonSource source, String zone) {}

  /**
   * The current signal and forecast of the first source whose current signal answers (a later
   * source's forecast where that one has none), and the first non-empty history.
   */
  private static Known ask(List<Named> sources, Instant now, Duration horizon, List<String> problems, String from) {
    List<CarbonSignal> known = new ArrayList<>();
    List<CarbonSignal> history = new ArrayList<>();
    for (Named n : sources) {
      String name = n.source().name();
      if (known.isEmpty()) {
        try {
          known.add(n.source().current(n.zone()));
        } catch (CarbonSourceException | IllegalArgumentException e) {
          problems.add(name + " current: " + e.getMessage());
        }
      }
      if (known.size() <= 1 && !known.isEmpty()) {
        try {
          Instant after = known.get(0).end();
          for (CarbonSignal s : n.source().forecast(n.zone(), horizon)) {
            if (!s.start().isBefore(after)) {
              known.add(s);
              after = s.end();
            }
          }
        } catch (CarbonSourceException | IllegalArgumentException e) {
          problems.add(name + " forecast: " + e.getMessage());
        }
      }
      if (history.isEmpty()) {
        try {
          for (CarbonSignal s : n.source().history(n.zone(), now.minus(HISTORY), now)) {
            if (!s.end().isAfter(now) && (history.isEmpty() || !s.start().isBefore(history.get(history.size() - 1).end()))) {
              history.add(s);
            }
          }
        } catch (CarbonSourceException | IllegalArgumentException e) {
          problems.add(name + " history: " + e.getMessage());
        }
      }
    }
    return new Known(known, history, problems, from);
  }

  private CarbonTrace readTrace(Path file) {
    if (!Files.exists(file)) {
      throw usage("--trace " + file + ": no such file");
    }
    try {
      return CarbonTrace.read(file, TraceColumn.DIRECT);
    } catch (TraceFormatException e) {
      throw invalid(e.getMessage());
    } catch (UnsuitableFileException e) {
      throw invalid("--trace " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      throw invalid("cannot read " + file + ": " + e.getMessage());
    }
  }

  static CarbonTrace bundledTrace() {
    try (InputStream in = WhenCommand.class.getResourceAsStream(DEFAULT_TRACE)) {
      if (in == null) {
        throw new IllegalStateException("the bundled trace " + DEFAULT_TRACE + " is missing from the jar");
      }
      return CarbonTrace.read(in, "bundled trace", TraceColumn.DIRECT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  private static Failure usage(String message) {
    return new Failure(ExitCodes.USAGE, message);
  }

  private static Failure invalid(String message) {
    return new Failure(ExitCodes.INVALID_CONFIG, message);
  }
}
