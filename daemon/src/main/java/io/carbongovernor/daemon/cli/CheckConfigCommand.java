package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      out.printf(
          "%s: ok (zone %s, %d source(s), %d team(s), default policy %s, mode %s)%n",
          config,
          loaded.zone(),
          loaded.carbon().sources().size(),
          loaded.teams().size(),
          loaded.defaultPolicy().kind(),
          loaded.mode().word());
      out.flush();
      return ExitCodes.OK;
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "configuration not valid");
    }
  }
}
