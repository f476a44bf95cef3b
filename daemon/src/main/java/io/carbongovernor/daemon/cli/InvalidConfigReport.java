package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.InvalidConfigException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** How every command reports an invalid configuration: each problem, a summary, exit 78. */
final class InvalidConfigReport {

  private InvalidConfigReport() {}

  /**
   * Prints one {@code file:line:col: message} line per problem and a summary.
   *
   * @param consequence what the command did not do because of it, e.g. "not starting"
   * @return {@link ExitCodes#INVALID_CONFIG}
   */
  static int print(PrintWriter err, Path config, InvalidConfigException e, String consequence) {
    e.problems().forEach(err::println);
    err.printf("%s: %d problem(s); %s%n", config, e.problems().size(), consequence);
    err.flush();
    return ExitCodes.INVALID_CONFIG;
  }
}
