package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Profile and account files that are no regular file, or too large, are refused before they are
 * opened; without the checks a FIFO hangs the read and a device fills the heap.
 */
class FileKindsTest {

  /** A guard against a hanging read, not a speed assertion. */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  @TempDir Path dir;

  private Path fifo(String name) throws IOException, InterruptedException {
    Path fifo = dir.resolve(name);
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    return fifo;
  }

  private Path sparse(String name, long bytes) throws IOException {
    Path file = dir.resolve(name);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes);
    }
    return file;
  }

  private static void assertProfileRefused(Path file, String reason) {
    assertTimeoutPreemptively(HANG_GUARD, () ->
        assertThatThrownBy(() -> ZeusProfiles.read(file))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessage(file + " " + reason));
  }

  @Test
  void aProfileThatIsAFifo() throws Exception {
    assertProfileRefused(fifo("summary_power_a40.csv"), "is a FIFO, not a regular file");
  }

  @Test
  void aProfileThatIsADeviceOrALinkToOne() throws IOException {
    assertProfileRefused(Path.of("/dev/zero"), "is a character device, not a regular file");
    Path link = Files.createSymbolicLink(dir.resolve("summary_power_a40.csv"), Path.of("/dev/zero"));
    assertProfileRefused(link, "is a character device, not a regular file");
  }

  @Test
  void aProfileThatIsADirectory() throws IOException {
    assertProfileRefused(Files.createDirectory(dir.resolve("summary_power_a40.csv")), "is a directory, not a regular file");
  }

  @Test
  void aProfileAboveTheCap() throws IOException {
    assertProfileRefused(sparse("summary_power_a40.csv", 17L << 20), "is larger than 16 MiB");
  }

  @Test
  void accountFilesThatAreNoRegularFileGiveNoNames() throws Exception {
    Path group = Files.writeString(dir.resolve("group"), "vision:x:2000:alice\n");
    Path fifo = fifo("passwd");
    Path link = Files.createSymbolicLink(dir.resolve("passwd-link"), Path.of("/dev/zero"));
    assertTimeoutPreemptively(HANG_GUARD, () -> {
      for (Path passwd : new Path[] {fifo, Path.of("/dev/zero"), link, dir}) {
        AccountNames names = AccountNames.files(passwd, group);
        assertThat(names.user(1001)).as(passwd.toString()).isEmpty();
        assertThat(names.group(2000)).contains("vision");
      }
    });
  }

  @Test
  void anAccountFileAboveTheCapGivesNoNames() throws IOException {
    Path passwd = Files.writeString(dir.resolve("passwd"), "alice:x:1001:1001::/home/alice:/bin/bash\n");
    assertThat(AccountNames.files(passwd, passwd).user(1001)).contains("alice");
    try (RandomAccessFile f = new RandomAccessFile(passwd.toFile(), "rw")) {
      f.setLength(33L << 20);
    }
    assertThat(AccountNames.files(passwd, passwd).user(1001)).isEmpty();
  }
}
