package io.carbongovernor.daemon.cli;

import com.github.benmanes.caffeine.cache.Ticker;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSourceException;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.TrackedCarbonSource;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.config.SourceConfig;
import io.carbongovernor.daemon.control.CarbonSourceFactory;
import io.carbongovernor.daemon.control.StartupException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Asks every configured source, at once, for its current signal and its forecast, and prints one
 * row per source. Exit 0 when at least one source answered, 1 when none did, 78 for an invalid
 * config.
 */
@Command(
    name = "check",
    description = "Query every configured carbon source: value, slot, latency, forecast horizon, error.")
final class SourcesCheckCommand implements Callable<Integer> {

  static final Duration FORECAST_HORIZON = Duration.ofHours(72);
  private static final DateTimeFormatter DAY_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final List<String> HEADER =
      List.of("SOURCE", "ZONE", "CURRENT", "SLOT (UTC)", "LATENCY", "FORECAST", "ERROR");

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** The time the sources' answers and the forecast's horizon are read against. */
  private final Clock clock;

  /** For tools that build the commands by class, the man page and completion generators. */
  SourcesCheckCommand() {
    this(Clock.systemUTC());
  }

  SourcesCheckCommand(Clock clock) {
    this.clock = clock;
  }

  /** One source's line. */
  record Row(List<String> cells, boolean answered) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GovernorConfig loaded;
    try {
      loaded = ConfigLoader.load(config, FileChecks.CHECK);
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "configuration not valid");
    }
    List<CompletableFuture<Row>> rows = new ArrayList<>();
    for (SourceConfig source : loaded.carbon().sources()) {
      String zone = source.zone().orElse(loaded.zone());
      rows.add(CompletableFuture.supplyAsync(() -> check(source, zone, clock)));
    }
    List<List<String>> table = new ArrayList<>();
    table.add(HEADER);
    int answered = 0;
    for (CompletableFuture<Row> f : rows) {
      Row row = f.join();
      table.add(row.cells());
      answered += row.answered() ? 1 : 0;
    }
    print(out, table);
    out.printf("%d of %d source(s) answered%n", answered, rows.size());
    out.flush();
    return answered > 0 ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
  }

  private static Row check(SourceConfig config, String zone, Clock clock) {
    TrackedCarbonSource source;
    try {
      source = CarbonSources.tracked(CarbonSourceFactory.create(config, clock), clock, Ticker.systemTicker());
    } catch (StartupException e) {
      return new Row(List.of(config.name(), zone, "-", "-", "-", "-", e.getMessage()), false);
    }
    String value = "-";
    String slot = "-";
    String error = "";
    boolean answered = false;
    try {
      CarbonSignal s = source.current(zone);
      value = String.format(Locale.ROOT, "%.1f g/kWh %s%s", s.intensity().gramsPerKwh(), s.kind().word(),
          s.estimated() ? " (estimated)" : "");
      slot = slot(s);
      answered = true;
    } catch (CarbonSourceException e) {
      error = kind(e) + ": " + e.getMessage();
    }
    String latency = source.health().lastLatency().map(d -> d.toMillis() + " ms").orElse("-");
    String horizon = "-";
    try {
      List<CarbonSignal> forecast = source.forecast(zone, FORECAST_HORIZON);
      if (!forecast.isEmpty()) {
        Duration ahead = Duration.between(clock.instant(), forecast.get(forecast.size() - 1).end());
        horizon = String.format(Locale.ROOT, "%.1f h", ahead.toMinutes() / 60.0);
      } else {
        horizon = "none";
      }
    } catch (CarbonSourceException e) {
      horizon = "none";
      if (answered) {
        error = "forecast " + kind(e) + ": " + e.getMessage();
      }
    }
    return new Row(List.of(config.name(), zone, value, slot, latency, horizon, error), answered);
  }

  private static String slot(CarbonSignal s) {
    Instant start = s.start();
    Instant end = s.end();
    boolean sameDay = DAY_TIME.format(start).substring(0, 10).equals(DAY_TIME.format(end).substring(0, 10));
    return DAY_TIME.format(start) + "-" + (sameDay ? TIME.format(end) : DAY_TIME.format(end));
  }

  private static String kind(CarbonSourceException e) {
    return e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static void print(PrintWriter out, List<List<String>> table) {
    int columns = HEADER.size();
    int[] width = new int[columns];
    for (List<String> row : table) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : table) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        line.append(i == columns - 1 ? cell : String.format(Locale.ROOT, "%-" + width[i] + "s  ", cell));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
