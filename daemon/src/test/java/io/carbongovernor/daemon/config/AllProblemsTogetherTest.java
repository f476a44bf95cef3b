package io.carbongovernor.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One load reports every problem in governor.yaml and the team files, in file and line order. */
class AllProblemsTogetherTest {

  @TempDir Path dir;

  @Test
  void everyProblemInEveryFileIsReportedAtOnce() {
    ConfigFiles files = new ConfigFiles(dir);
    files.write(
        "teams.d/audio.yaml",
        """
        members: {users: [alice]}
        policy: {kind: static, cap: 250}
        """);
    files.write(
        "teams.d/vision.yaml",
        """
        members:
          users: [alice]
        policy: {kind: full-speed}
        batch-sizes: [256, 128]
        """);
    files.write(
        "governor.yaml",
        """
        interval: 10
        teams-dir: teams.d
        mode: shadowy
        carbon:
          sources:
            - type: trace
              file: gone.csv
        api: {listen: 10.0.0.1:9464}
        """);

    List<String> lines = files.problems().stream().map(ConfigProblem::toString).toList();

    Path governor = files.governor();
    Path audio = dir.resolve("teams.d/audio.yaml");
    Path vision = dir.resolve("teams.d/vision.yaml");
    assertThat(lines)
        .containsExactly(
            governor + ":1:1: missing required key 'zone'",
            governor + ":1:11: interval: give a unit: 10s or 5m, not a bare number (got 10)",
            governor
                + ":3:7: mode: expected enforce or shadow, got 'shadowy' (did you mean 'shadow'?)",
            governor
                + ":7:13: carbon.sources[0].file: trace file gone.csv does not exist (looked at "
                + dir.resolve("gone.csv")
                + ")",
            governor
                + ":8:15: api.listen: host '10.0.0.1' is not a loopback address; use 127.0.0.1,"
                + " [::1] or localhost, because callers are identified through the kernel's"
                + " loopback socket tables",
            audio + ":2:29: policy.cap: give a unit: 250W or 80%, not a bare number (got 250)",
            vision
                + ":2:11: members.users[0]: user 'alice' is already in team audio ("
                + audio
                + ")",
            vision + ":4:20: batch-sizes[1]: batch sizes must increase: 128 comes after 256");
  }

  @Test
  void teamFilesAreShownRelativeToTheConfigPathAsGiven() {
    ConfigFiles files = new ConfigFiles(dir);
    files.write("governor.yaml", ConfigFiles.VALID);
    files.write("teams.d/vision.yaml", "members: {users: [alice]}\n");
    Path relative = Path.of("").toAbsolutePath().relativize(files.governor());

    InvalidConfigException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            InvalidConfigException.class, () -> ConfigLoader.load(relative, FileChecks.CHECK));

    assertThat(e.problems())
        .extracting(ConfigProblem::toString)
        .containsExactly(
            relative.resolveSibling("teams.d").resolve("vision.yaml")
                + ":1:1: missing required key 'policy'");
    assertThat(e.getMessage()).contains("vision.yaml:1:1: missing required key 'policy'");
  }
}
