package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes config files into a temporary directory and loads them. */
final class ConfigFiles {

  /** A valid governor.yaml to start from; tests replace or append lines. */
  static final String VALID =
      """
      zone: DE
      teams-dir: teams.d
      carbon:
        sources:
          - type: trace
            file: trace.csv
      """;

  final Path dir;
  Map<String, String> env = Map.of();

  ConfigFiles(Path dir) {
    this.dir = dir;
    write("trace.csv", "Datetime (UTC),Carbon Intensity gCO₂eq/kWh (direct)\n");
    try {
      Files.createDirectories(dir.resolve("teams.d"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  ConfigFiles write(String name, String text) {
    try {
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path governor() {
    return dir.resolve("governor.yaml");
  }

  GovernorConfig load(String governorYaml) throws InvalidConfigException {
    write("governor.yaml", governorYaml);
    return ConfigLoader.load(governor(), FileChecks.CHECK, env);
  }

  /** The problems loading reports; fails if it loads. */
  List<ConfigProblem> problems(String governorYaml) {
    write("governor.yaml", governorYaml);
    return problems();
  }

  List<ConfigProblem> problems() {
    InvalidConfigException e =
        catchThrowableOfType(
            InvalidConfigException.class,
            () -> ConfigLoader.load(governor(), FileChecks.CHECK, env));
    assertThat(e).as("the config should be invalid").isNotNull();
    return e.problems();
  }

  /** Asserts that the only problem is this one, in governor.yaml. */
  void assertOnly(String governorYaml, int line, int column, String message) {
    assertOnly(problems(governorYaml), governor(), line, column, message);
  }

  static void assertOnly(
      List<ConfigProblem> problems, Path file, int line, int column, String message) {
    assertThat(problems).containsExactly(new ConfigProblem(file, line, column, message));
  }
}
