package io.carbongovernor.gpu;

/** A profile file that cannot be read: names the file and the 1-based line. */
public final class ProfileFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;

  public ProfileFormatException(String file, int line, String message) {
    super(file + ":" + line + ": " + message);
    this.file = file;
    this.line = line;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }
}
