package io.carbongovernor.carbon;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A trace file that cannot be used. Carries every problem found (up to a cap), each with its
 * 1-based line, so that one run tells the operator everything to fix. The message has one
 * {@code file:line: message} line per problem.
 */
public final class TraceFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /** One thing wrong with one line of the file. */
  public record Problem(int line, String message) implements java.io.Serializable {
    public Problem {
      Objects.requireNonNull(message, "message");
    }
  }

  private final String file;
  private final List<Problem> problems;
  private final int omitted;

  /**
   * @param file the file's path or other name, as it should appear in messages
   * @param problems at least one problem, in file order
   * @param omitted how many further problems were found but not kept
   */
  public TraceFormatException(String file, List<Problem> problems, int omitted) {
    super(describe(file, problems, omitted));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a trace format exception needs at least one problem");
    }
    this.file = file;
    this.problems = List.copyOf(problems);
    this.omitted = omitted;
  }

  TraceFormatException(String file, int line, String message) {
    this(file, List.of(new Problem(line, message)), 0);
  }

  /** The file's path or name. */
  public String file() {
    return file;
  }

  /** The problems kept, in file order. */
  public List<Problem> problems() {
    return problems;
  }

  /** The line of the first problem. */
  public int line() {
    return problems.get(0).line();
  }

  /** How many problems were found beyond those kept. */
  public int omitted() {
    return omitted;
  }

  private static String describe(String file, List<Problem> problems, int omitted) {
    String lines =
        problems.stream()
            .map(p -> file + ":" + p.line() + ": " + p.message())
            .collect(Collectors.joining("\n"));
    return omitted == 0 ? lines : lines + "\n" + file + ": " + omitted + " more problems not shown";
  }
}
