package io.carbongovernor.daemon.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A file a command writes its result to (such as {@code report --output}). A message names the
 * file once and says why it cannot be written; the JDK's exceptions name it and give no reason.
 */
final class OutputFile {

  /** The file cannot be written; the message names it and the reason. */
  static final class Unwritable extends Exception {
    Unwritable(Path file, String reason) {
      super("cannot write " + file + ": " + reason);
    }
  }

  private OutputFile() {}

  /**
   * What already stands in the way of writing {@code file}, found before the work that produces
   * it, so that a long report does not fail at its end.
   */
  static Optional<String> problem(Path file) {
    Path absolute = file.toAbsolutePath();
    Path dir = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      return Optional.of("it is a directory");
    }
    if (dir != null && !Files.exists(dir)) {
      return Optional.of("directory " + dir + " does not exist");
    }
    if (dir != null && !Files.isDirectory(dir)) {
      return Optional.of(dir + " is not a directory");
    }
    return Optional.empty();
  }

  /** Writes {@code text} as UTF-8 in place of what the file held. */
  static void write(Path file, String text) throws Unwritable {
    Optional<String> problem = problem(file);
    if (problem.isPresent()) {
      throw new Unwritable(file, problem.get());
    }
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Unwritable(file, reason(file, e));
    }
  }

  /** The reason of a failed write, from its exception and what is on disk. */
  static String reason(Path file, IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return problem(file).orElse("no such file or directory");
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
