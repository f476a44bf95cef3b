package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.daemon.config.SiteApiConfig;
import io.carbongovernor.daemon.config.SourceConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Validates governor.yaml and the team files, and says what it found. */
@Command(
    name = "check-config",
    description = {
      "Validate the configuration and the team files.",
      "Exit 0 when they are valid, warnings included (a trace file that names another zone than the"
          + " source's); 78 with one file:line:col: message line per problem otherwise."
    })
final class CheckConfigCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      GovernorConfig loaded = ConfigLoader.load(config, FileChecks.CHECK);
      List<String> warnings = new ArrayList<>();
      for (SourceConfig source : loaded.carbon().sources()) {
        traceZoneWarning(source, source.zone().orElse(loaded.zone())).ifPresent(warnings::add);
      }
      warnings.forEach(w -> err.printf("%s: warning: %s%n", config, w));
      err.flush();
      out.printf(
          "%s: ok (zone %s, %d source(s), %d team(s), default policy %s, mode %s%s%s)%n",
          config,
          loaded.zone(),
          loaded.carbon().sources().size(),
          loaded.teams().size(),
          loaded.defaultPolicy().kind(),
          loaded.mode().word(),
          loaded.siteApi().map(CheckConfigCommand::siteApi).orElse(""),
          warnings.isEmpty() ? "" : ", " + warnings.size() + " warning(s)");
      out.flush();
      return ExitCodes.OK;
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "configuration not valid");
    }
  }

  /** What the site API serves on, without its secrets: {@code , site API on 0.0.0.0:9465 (TLS, token)}. */
  private static String siteApi(SiteApiConfig site) {
    String host = site.host().contains(":") ? "[" + site.host() + "]" : site.host();
    return ", site API on " + host + ":" + site.port() + " (" + (site.tls().isPresent() ? "TLS" : "plain HTTP")
        + (site.tokenGiven() ? ", token" : ", no token") + ")";
  }

  /**
   * A trace file that names a zone serves only that zone: a source asked for another one answers
   * nothing, and the daemon runs on its fail-safe. Valid all the same, so a warning.
   */
  private static Optional<String> traceZoneWarning(SourceConfig source, String zone) {
    if (source.type() != SourceConfig.Type.TRACE || source.file().isEmpty()) {
      return Optional.empty();
    }
    Path file = source.file().get();
    Optional<String> traceZone;
    try {
      traceZone = CarbonTrace.read(file, source.traceColumn()).zone();
    } catch (IOException | RuntimeException e) {
      return Optional.of("carbon source '" + source.name() + "': cannot read trace file " + file + " ("
          + e.getMessage() + "); the source will not start");
    }
    return traceZone
        .filter(z -> !z.equals(zone))
        .map(z -> "carbon source '" + source.name() + "': trace file " + file + " holds zone " + z
            + ", but the source is asked for zone " + zone + " and will answer nothing; set 'zone: " + z
            + "' on the source (or the top-level zone), or give a trace of " + zone);
  }
}
