package io.carbongovernor.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of file a user can name instead of a regular one, and files larger than allowed. */
class InputFilesTest {

  /** A guard against a read that hangs (a FIFO's open), not a speed assertion. */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  static final ByteSize KIB = ByteSize.ofKibibytes(1);

  @TempDir Path dir;

  /** A FIFO made by mkfifo(1): opening it for reading blocks until a writer comes. */
  static Path fifo(Path file) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("mkfifo", file.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor()).as("mkfifo").isZero();
    return file;
  }

  private static void assertUnsuitable(Path file, String reason) {
    assertTimeoutPreemptively(HANG_GUARD, () -> {
      for (ThrowingRead read : new ThrowingRead[] {
          f -> InputFiles.check(f, KIB), f -> InputFiles.readBytes(f, KIB), f -> InputFiles.readString(f, KIB),
          f -> InputFiles.newReader(f, KIB).close()}) {
        assertThatThrownBy(() -> read.run(file))
            .isInstanceOfSatisfying(UnsuitableFileException.class, e -> {
              assertThat(e.file()).isEqualTo(file);
              assertThat(e.reason()).isEqualTo(reason);
            })
            .hasMessage(file + " " + reason);
      }
    });
  }

  @FunctionalInterface
  interface ThrowingRead {
    void run(Path file) throws IOException;
  }

  @Test
  void aRegularFileWithinItsCapIsRead() throws IOException {
    Path file = Files.writeString(dir.resolve("a.txt"), "zone: DE\n");
    assertThat(InputFiles.readString(file, KIB)).isEqualTo("zone: DE\n");
    assertThat(InputFiles.readBytes(file, ByteSize.ofBytes(9))).hasSize(9);
    try (BufferedReader r = InputFiles.newReader(file, KIB)) {
      assertThat(r.readLine()).isEqualTo("zone: DE");
    }
  }

  @Test
  void aFifoIsRefusedBeforeItIsOpened() throws Exception {
    assertUnsuitable(fifo(dir.resolve("governor.yaml")), "is a FIFO, not a regular file");
  }

  @Test
  void aDeviceIsRefused() {
    assertUnsuitable(Path.of("/dev/zero"), "is a character device, not a regular file");
  }

  @Test
  void aSymbolicLinkIsFollowedToWhatItNames() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("token"), Path.of("/dev/zero"));
    assertUnsuitable(link, "is a character device, not a regular file");
    Path toFile = Files.createSymbolicLink(dir.resolve("ok"), Files.writeString(dir.resolve("target"), "x"));
    assertThat(InputFiles.readString(toFile, KIB)).isEqualTo("x");
  }

  @Test
  void aDirectoryIsRefused() throws IOException {
    assertUnsuitable(Files.createDirectory(dir.resolve("teams.yaml")), "is a directory, not a regular file");
  }

  @Test
  void aSocketIsRefused() throws IOException {
    Path socket = dir.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      assertUnsuitable(socket, "is a socket, not a regular file");
    }
  }

  @Test
  void aFileLargerThanItsCapIsRefusedUnread() throws IOException {
    Path file = Files.write(dir.resolve("big.csv"), new byte[1025]);
    assertUnsuitable(file, "is larger than 1 KiB");
    assertThat(InputFiles.readBytes(Files.write(dir.resolve("exact.csv"), new byte[1024]), KIB)).hasSize(1024);
  }

  @Test
  void theReadItselfIsBoundedWhereTheSizeSaysNothing() throws IOException {
    // /proc files report size 0 whatever they hold: the check passes and the read must stop.
    Path status = Path.of("/proc/self/status");
    assumeThat(Files.isRegularFile(status) && Files.size(status) == 0).as("Linux /proc").isTrue();
    ByteSize small = ByteSize.ofBytes(16);
    InputFiles.check(status, small);
    assertThatThrownBy(() -> InputFiles.readBytes(status, small))
        .isInstanceOf(UnsuitableFileException.class)
        .hasMessage("/proc/self/status is larger than 16 bytes");
    assertThatThrownBy(() -> {
      try (BufferedReader r = InputFiles.newReader(status, small)) {
        while (r.readLine() != null) {
          // read to the end
        }
      }
    }).isInstanceOf(UnsuitableFileException.class);
    assertThat(InputFiles.readString(status, ByteSize.ofMebibytes(1))).contains("Name:");
  }

  @Test
  void aMissingFileAndADanglingLinkAreNoSuchFile() throws IOException {
    assertThatThrownBy(() -> InputFiles.readString(dir.resolve("none"), KIB)).isInstanceOf(NoSuchFileException.class);
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
    assertThatThrownBy(() -> InputFiles.check(dangling, KIB)).isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void textMustBeUtf8() throws IOException {
    Path file = Files.write(dir.resolve("latin1"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
    assertThatThrownBy(() -> InputFiles.readString(file, KIB)).isInstanceOf(CharacterCodingException.class);
    assertThatThrownBy(() -> {
      try (BufferedReader r = InputFiles.newReader(file, KIB)) {
        r.readLine();
      }
    }).isInstanceOf(CharacterCodingException.class);
  }

  @Test
  void sizesPrintInTheirLargestWholeUnit() {
    assertThat(ByteSize.ofMebibytes(1)).hasToString("1 MiB");
    assertThat(ByteSize.ofKibibytes(64)).hasToString("64 KiB");
    assertThat(ByteSize.ofBytes(1000)).hasToString("1000 bytes");
    assertThat(ByteSize.ofBytes(1)).hasToString("1 byte");
    assertThatThrownBy(() -> ByteSize.ofBytes(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
