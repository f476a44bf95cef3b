package io.carbongovernor.daemon;

import io.carbongovernor.daemon.cli.CarbonGovernorCommand;
import io.carbongovernor.daemon.cli.DaemonSignals;

/** Entry point of the {@code carbon-governor} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // First, before logging and picocli load: a stop asked for now must still restore.
    DaemonSignals.installForRun(args);
    System.exit(CarbonGovernorCommand.execute(args));
  }
}
