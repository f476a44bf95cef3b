package io.carbongovernor.daemon.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code carbon-governor sources}: commands about the configured carbon sources. */
@Command(
    name = "sources",
    description = "Commands about the configured carbon sources.",
    subcommands = {SourcesCheckCommand.class})
final class SourcesCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("missing subcommand: check");
    spec.commandLine().usage(err);
    err.flush();
    return ExitCodes.USAGE;
  }
}
