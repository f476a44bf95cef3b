package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** YAML-level problems: duplicates, aliases, depth, several documents, odd roots. */
class YamlTreeTest {

  @TempDir Path dir;
  ConfigFiles files;

  @BeforeEach
  void setUp() {
    files = new ConfigFiles(dir);
  }

  @Test
  void everyDuplicateIsReportedAndReadingGoesOn() {
    List<ConfigProblem> problems =
        files.problems(
            ConfigFiles.VALID
                + """
                  gpu:
                    backend: nvml
                    backend: simulated
                  zone: FR
                  interval: nope
                  """);
    assertThat(problems)
        .extracting(ConfigProblem::line, ConfigProblem::column, ConfigProblem::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                9, 3, "duplicate key 'backend' (first given at line 8)"),
            org.assertj.core.groups.Tuple.tuple(
                10, 1, "duplicate key 'zone' (first given at line 1)"),
            org.assertj.core.groups.Tuple.tuple(
                11, 11, "interval: expected a duration like 5m, got 'nope'"));
  }

  @Test
  void aliasesAreRejected() {
    files.assertOnly(
        ConfigFiles.VALID
            + """
              default-policy: &p {kind: full-speed}
              fail-safe: *p
              """,
        8,
        12,
        "YAML aliases (*p) are not supported");
  }

  @Test
  void nestingIsLimited() {
    String deep =
        "x: " + "[".repeat(YamlTree.MAX_DEPTH + 5) + "]".repeat(YamlTree.MAX_DEPTH + 5) + "\n";
    List<ConfigProblem> problems = files.problems(ConfigFiles.VALID + deep);
    assertThat(problems)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.line()).isEqualTo(7);
              assertThat(p.message()).startsWith("YAML error: Document nesting depth");
            });
  }

  @Test
  void oneDocumentPerFile() {
    files.assertOnly(
        ConfigFiles.VALID + "---\nzone: FR\n",
        8,
        1,
        "a config file holds one YAML document; remove this one");
  }

  @Test
  void rootMustBeAMapping() {
    files.assertOnly("- zone: DE\n", 1, 1, "expected a mapping (key: value lines), got a list");
  }

  @Test
  void emptyFileIsMissingItsRequiredKeys() {
    assertThat(files.problems("# nothing yet\n"))
        .extracting(ConfigProblem::toString)
        .containsExactly(
            files.governor() + ":1:1: missing required key 'zone'",
            files.governor() + ":1:1: missing required key 'carbon'");
  }

  @Test
  void explicitNullIsNotAValue() {
    files.assertOnly(
        ConfigFiles.VALID + "interval:\n", 7, 10, "interval: expected a single value, got nothing");
  }
}
