package io.carbongovernor.daemon;

import io.carbongovernor.daemon.cli.CarbonGovernorCommand;

/** Entry point of the {@code carbon-governor} command. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(CarbonGovernorCommand.execute(args));
  }
}
