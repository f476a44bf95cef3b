package io.carbongovernor.common;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads the files a user or an administrator names (config, team, secret, trace, profile and
 * account files) so that no such file can hang or exhaust the process.
 *
 * <p>Symbolic links are followed; the target must then be a regular file (a FIFO would block the
 * open itself, a device such as {@code /dev/zero} never ends) and its size at most the caller's
 * cap. Both are checked from the file's attributes before it is opened. The read is bounded as
 * well, since a file can grow between the check and the read and files such as those in {@code
 * /proc} report a size of 0: more than the cap fails the read instead of filling memory.
 *
 * <p>Whoever can replace the file between the check and the open can write where it lies, and so
 * could as well have written what it holds.
 */
public final class InputFiles {

  // st_mode's file type bits (POSIX), for a message that says what the file is.
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;
  private static final int S_IFSOCK = 0140000;

  private InputFiles() {}

  /**
   * Checks {@code file} without opening it: after symbolic links, a regular file of at most
   * {@code max}.
   *
   * @throws java.nio.file.NoSuchFileException when it does not exist (or is a dangling link)
   * @throws UnsuitableFileException when it is no regular file or larger than {@code max}
   */
  public static void check(Path file, ByteSize max) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    if (attributes.isDirectory()) {
      throw new UnsuitableFileException(file, "is a directory, not a regular file");
    }
    if (!attributes.isRegularFile()) {
      throw new UnsuitableFileException(file, "is a " + special(file) + ", not a regular file");
    }
    if (attributes.size() > max.bytes()) {
      throw tooLarge(file, max);
    }
  }

  /** The checked file's bytes, at most {@code max} of them; see {@link #check}. */
  public static byte[] readBytes(Path file, ByteSize max) throws IOException {
    if (max.bytes() >= Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("a file read whole must be capped below 2 GiB, got " + max);
    }
    try (InputStream in = newInputStream(file, max)) {
      return in.readAllBytes();
    }
  }

  /**
   * The checked file's text, strict UTF-8: malformed input fails with a {@link
   * java.nio.charset.CharacterCodingException}.
   */
  public static String readString(Path file, ByteSize max) throws IOException {
    byte[] bytes = readBytes(file, max);
    return StandardCharsets.UTF_8
        .newDecoder()
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }

  /**
   * A reader over the checked file's text, strict UTF-8, that fails with an {@link
   * UnsuitableFileException} once more than {@code max} bytes come.
   */
  public static BufferedReader newReader(Path file, ByteSize max) throws IOException {
    return new BufferedReader(
        new InputStreamReader(newInputStream(file, max), StandardCharsets.UTF_8.newDecoder()));
  }

  /** The checked file's bytes as a stream that fails once more than {@code max} come. */
  public static InputStream newInputStream(Path file, ByteSize max) throws IOException {
    check(file, max);
    return new CappedInputStream(Files.newInputStream(file), file, max);
  }

  private static UnsuitableFileException tooLarge(Path file, ByteSize max) {
    return new UnsuitableFileException(file, "is larger than " + max);
  }

  /** What kind of file other than a regular file or directory {@code file} is. */
  private static String special(Path file) {
    int mode;
    try {
      mode = (Integer) Files.getAttribute(file, "unix:mode");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return "special file";
    }
    return switch (mode & S_IFMT) {
      case S_IFIFO -> "FIFO";
      case S_IFCHR -> "character device";
      case S_IFBLK -> "block device";
      case S_IFSOCK -> "socket";
      default -> "special file";
    };
  }

  /**
   * Counts what is read and fails once it passes the cap. A plain InputStream, so that every
   * bulk read (readAllBytes, transferTo) goes through {@link #read(byte[], int, int)}.
   */
  private static final class CappedInputStream extends InputStream {

    private final InputStream in;
    private final Path file;
    private final ByteSize max;
    private long read;

    CappedInputStream(InputStream in, Path file, ByteSize max) {
      this.in = in;
      this.file = file;
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    private void count(int n) throws UnsuitableFileException {
      read += n;
      if (read > max.bytes()) {
        throw tooLarge(file, max);
      }
    }
  }
}
