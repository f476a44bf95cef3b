package io.carbongovernor.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config} (and {@code run}) on config, team, secret and trace paths that name a FIFO,
 * a device, a directory or too large a file: exit 78 at once, the file named with what is wrong.
 * Without the checks a FIFO hangs the command and a device fills the heap.
 */
class CheckConfigFileKindsTest {

  /** A guard against a command that hangs, not a speed assertion. */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  static final String CONFIG =
      """
      zone: DE
      teams-dir: teams.d
      carbon:
        sources:
          - type: trace
            file: trace.csv
          - {type: electricitymaps, token-file: em.token}
      """;

  @TempDir Path dir;
  Path governor;

  @BeforeEach
  void setUp() throws IOException {
    Files.createDirectories(dir.resolve("teams.d"));
    Files.writeString(dir.resolve("trace.csv"), "time,value\n2026-03-01T00:00:00Z,300\n");
    Files.writeString(dir.resolve("em.token"), "em-token\n");
    governor = Files.writeString(dir.resolve("governor.yaml"), CONFIG);
  }

  private static CommandRun run(String command, Path config) {
    return assertTimeoutPreemptively(HANG_GUARD, () -> CommandRun.of(command, "--config", config.toString()));
  }

  private static CommandRun check(Path config) {
    return run("check-config", config);
  }

  private static Path fifo(Path file) throws IOException, InterruptedException {
    Files.deleteIfExists(file);
    assertThat(new ProcessBuilder("mkfifo", file.toString()).start().waitFor()).isZero();
    return file;
  }

  private static Path sparse(Path file, long bytes) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
    return file;
  }

  private static Path linkToDevZero(Path link) throws IOException {
    Files.deleteIfExists(link);
    return Files.createSymbolicLink(link, Path.of("/dev/zero"));
  }

  private static void assertInvalid(CommandRun result, String... lines) {
    assertThat(result.exitCode()).as(result.all()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.err()).contains(lines);
  }

  @Test
  void theConfigAsWrittenIsValid() {
    CommandRun ok = check(governor);
    assertThat(ok.exitCode()).as(ok.all()).isZero();
  }

  @Test
  void aConfigThatIsAFifo() throws Exception {
    Path config = fifo(dir.resolve("fifo.yaml"));
    assertInvalid(check(config), config + ": file is a FIFO, not a regular file");
    assertInvalid(run("run", config), config + ": file is a FIFO, not a regular file");
  }

  @Test
  void aConfigThatIsADeviceOrALinkToOne() throws IOException {
    assertInvalid(check(Path.of("/dev/zero")), "/dev/zero: file is a character device, not a regular file");
    Path link = linkToDevZero(dir.resolve("link.yaml"));
    assertInvalid(check(link), link + ": file is a character device, not a regular file");
  }

  @Test
  void aConfigThatIsADirectory() {
    assertInvalid(check(dir.resolve("teams.d")), dir.resolve("teams.d") + ": file is a directory, not a regular file");
  }

  @Test
  void aConfigAboveOneMebibyte() throws IOException {
    sparse(governor, (1 << 20) + 1);
    assertInvalid(check(governor), governor + ": file is larger than 1 MiB");
  }

  @Test
  void teamFilesThatAreNoRegularFileOrTooLarge() throws Exception {
    Path fifo = fifo(dir.resolve("teams.d/vision.yaml"));
    Path link = linkToDevZero(dir.resolve("teams.d/nlp.yaml"));
    Path big = sparse(dir.resolve("teams.d/ops.yaml"), (1 << 20) + 1);
    assertInvalid(
        check(governor),
        fifo + ": file is a FIFO, not a regular file",
        link + ": file is a character device, not a regular file",
        big + ": file is larger than 1 MiB");
  }

  @Test
  void aTokenFileThatIsAFifoADeviceOrTooLarge() throws Exception {
    Path token = dir.resolve("em.token");
    String where = governor + ":7:";
    fifo(token);
    assertInvalid(check(governor), "token-file: secret file " + token + " is a FIFO, not a regular file");
    assertThat(check(governor).err()).contains(where);
    linkToDevZero(token);
    assertInvalid(check(governor), "token-file: secret file " + token + " is a character device, not a regular file");
    Files.delete(token);
    sparse(token, (64 << 10) + 1);
    assertInvalid(check(governor), "token-file: secret file " + token + " is larger than 64 KiB");
  }

  @Test
  void aTraceFileAboveItsCap() throws IOException {
    Path trace = sparse(dir.resolve("trace.csv"), (32L << 20) + 1);
    assertInvalid(check(governor), "trace file " + trace + " is larger than 32 MiB");
  }

  @Test
  void aTraceFileThatIsAFifo() throws Exception {
    Path trace = fifo(dir.resolve("trace.csv"));
    assertInvalid(check(governor), "trace file " + trace + " is a FIFO, not a regular file");
  }
}
