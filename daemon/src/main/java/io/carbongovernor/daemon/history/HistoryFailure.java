package io.carbongovernor.daemon.history;

import java.util.Objects;

/**
 * One diagnosed failure of the history.
 *
 * @param detail the real cause in words: SQLite's own error, and what the file's owner, mode or
 *     free space say about it
 */
record HistoryFailure(HistoryProblem problem, String detail) {

  HistoryFailure {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(detail, "detail");
  }
}
