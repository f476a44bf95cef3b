package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trace path that names something other than a trace file is refused at once with what it is;
 * without the checks a FIFO hangs the read and a device fills the heap.
 */
class TraceFileKindsTest {

  /** A guard against a hanging read, not a speed assertion. */
  static final Duration HANG_GUARD = Duration.ofSeconds(30);

  @TempDir Path tmp;

  private static void assertRefused(Path file, String reason) {
    assertTimeoutPreemptively(HANG_GUARD, () ->
        assertThatThrownBy(() -> CarbonTrace.read(file))
            .isInstanceOf(IOException.class)
            .hasMessage(file + " " + reason));
  }

  @Test
  void aFifo() throws Exception {
    Path fifo = tmp.resolve("trace.csv");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    assertRefused(fifo, "is a FIFO, not a regular file");
  }

  @Test
  void aDevice() {
    assertRefused(Path.of("/dev/zero"), "is a character device, not a regular file");
  }

  @Test
  void aLinkToADevice() throws IOException {
    Path link = Files.createSymbolicLink(tmp.resolve("trace.csv"), Path.of("/dev/zero"));
    assertRefused(link, "is a character device, not a regular file");
  }

  @Test
  void aDirectory() throws IOException {
    assertRefused(Files.createDirectory(tmp.resolve("trace.csv")), "is a directory, not a regular file");
  }

  @Test
  void aFileAboveTheCap() throws IOException {
    Path big = tmp.resolve("trace.csv");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(33L << 20); // sparse: no disk is used
    }
    assertRefused(big, "is larger than 32 MiB");
  }
}
