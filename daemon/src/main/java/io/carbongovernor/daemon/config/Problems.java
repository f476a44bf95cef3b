package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects problems while reading, so that one run reports all of them. */
final class Problems {

  private final List<ConfigProblem> problems = new ArrayList<>();

  void add(Path file, Location at, String message) {
    problems.add(new ConfigProblem(file, at.line(), at.column(), message));
  }

  void add(ConfigProblem problem) {
    problems.add(problem);
  }

  int count() {
    return problems.size();
  }

  boolean isEmpty() {
    return problems.isEmpty();
  }

  List<ConfigProblem> all() {
    return List.copyOf(problems);
  }
}
