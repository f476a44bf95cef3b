package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check-config} on chase's reference intensity: {@code ci-ref: adaptive} and its window. */
class CheckConfigChaseReferenceTest {

  @TempDir Path dir;

  @BeforeEach
  void teams() throws IOException {
    Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(dir.resolve("trace.csv"), "time,value\n2023-01-01T00:00:00Z,60\n");
  }

  private CommandRun check(String policy) throws IOException {
    Path config = Files.writeString(dir.resolve("governor.yaml"), String.join("\n",
        "zone: SE",
        "teams-dir: teams.d",
        "carbon:",
        "  sources:",
        "    - {type: trace, file: trace.csv}",
        "default-policy:",
        policy,
        ""));
    return CommandRun.of("check-config", "--config", config.toString());
  }

  @Test
  void anAdaptiveReferenceIsValid() throws IOException {
    CommandRun run = check("  {kind: chase, ci-ref: adaptive, ci-ref-window: 60d}");
    assertThat(run.exitCode()).as(run.all()).isZero();
  }

  @Test
  void aBadWindowExits78NamingFileLineAndColumn() throws IOException {
    CommandRun run = check("  {kind: chase, ci-ref: adaptive, ci-ref-window: 2y}");
    assertThat(run.exitCode()).as(run.all()).isEqualTo(78);
    assertThat(run.err()).startsWith(dir.resolve("governor.yaml") + ":7:50: default-policy.ci-ref-window: ");
  }
}
