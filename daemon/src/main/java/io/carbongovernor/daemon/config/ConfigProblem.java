package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong in a config file. {@code line} and {@code column} are 1-based; both are 0 when
 * the problem concerns the file as a whole (missing, unreadable, badly named).
 */
public record ConfigProblem(Path file, int line, int column, String message) {

  public ConfigProblem {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  static ConfigProblem atFile(Path file, String message) {
    return new ConfigProblem(file, 0, 0, message);
  }

  public boolean hasLocation() {
    return line > 0;
  }

  /** {@code file:line:col: message}, or {@code file: message} without a location. */
  @Override
  public String toString() {
    return hasLocation()
        ? file + ":" + line + ":" + column + ": " + message
        : file + ": " + message;
  }
}
