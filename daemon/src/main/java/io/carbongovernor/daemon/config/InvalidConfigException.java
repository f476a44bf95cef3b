package io.carbongovernor.daemon.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration has problems; all of them, sorted by file, line and column. */
public final class InvalidConfigException extends Exception {

  private final List<ConfigProblem> problems;

  InvalidConfigException(List<ConfigProblem> problems) {
    super(
        problems.size()
            + " configuration problem(s):\n"
            + problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ConfigProblem> problems() {
    return problems;
  }
}
