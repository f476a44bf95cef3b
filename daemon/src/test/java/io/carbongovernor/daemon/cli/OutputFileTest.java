package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report --output} that cannot be written: the path once, and why. */
class OutputFileTest {

  @TempDir Path dir;

  private CommandRun report(Path output) {
    // The output is checked before the configuration is read or the history queried.
    return CommandRun.of("report", "--config", dir.resolve("absent.yaml").toString(), "--from", "2026-11-01",
        "--to", "2026-11-30", "--output", output.toString());
  }

  @Test
  void aMissingDirectoryIsNamedAsTheReason() {
    Path output = dir.resolve("no/such/dir/r.html");
    CommandRun run = report(output);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("carbon-governor report: cannot write " + output + ": directory "
        + dir.resolve("no/such/dir") + " does not exist\n");
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsNamedAsTheReason() {
    CommandRun run = report(dir);
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("carbon-governor report: cannot write " + dir + ": it is a directory\n");
  }

  @Test
  void aFileInPlaceOfTheDirectoryIsNamedAsTheReason() throws IOException {
    Path file = Files.writeString(dir.resolve("plain"), "");
    CommandRun run = report(file.resolve("r.html"));
    assertThat(run.err()).contains(": " + file + " is not a directory");
  }

  @Test
  void aRefusedWriteSaysPermissionDenied() {
    Path file = dir.resolve("r.html");
    assertThat(OutputFile.reason(file, new AccessDeniedException(file.toString()))).isEqualTo("permission denied");
  }

  @Test
  void writeReplacesTheFileOrSaysWhyNot() throws Exception {
    Path file = dir.resolve("r.html");
    OutputFile.write(file, "<p>ok</p>");
    assertThat(file).hasContent("<p>ok</p>");
    assertThatThrownBy(() -> OutputFile.write(dir.resolve("gone/r.html"), "x"))
        .hasMessage("cannot write " + dir.resolve("gone/r.html") + ": directory " + dir.resolve("gone")
            + " does not exist");
  }
}
