package io.carbongovernor.common;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A named file that is not read because of what it is: not a regular file, or larger than its
 * cap. The message is the file followed by the reason ({@code /etc/x.yaml is a FIFO, not a
 * regular file}); {@link #reason()} alone suits messages that name the file already.
 */
public final class UnsuitableFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;
  private final String reason;

  public UnsuitableFileException(Path file, String reason) {
    super(file + " " + reason);
    this.file = Objects.requireNonNull(file, "file");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  public Path file() {
    return file;
  }

  /** What is wrong, without the file: {@code is larger than 1 MiB}. */
  public String reason() {
    return reason;
  }
}
