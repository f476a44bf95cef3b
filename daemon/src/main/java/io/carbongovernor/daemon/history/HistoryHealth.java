package io.carbongovernor.daemon.history;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What went wrong with the history since the daemon started, counted by cause.
 *
 * @param writeFailures writes that failed (their rows are lost), by cause
 * @param problems problems noticed, each also logged once: a new cause of failure, or the
 *     database found deleted, replaced or damaged and a new one started
 */
public record HistoryHealth(Map<HistoryProblem, Long> writeFailures, Map<HistoryProblem, Long> problems) {

  public static final HistoryHealth NONE = new HistoryHealth(Map.of(), Map.of());

  /** Every cause is present, zero where nothing happened. */
  public HistoryHealth {
    writeFailures = complete(writeFailures);
    problems = complete(problems);
  }

  private static Map<HistoryProblem, Long> complete(Map<HistoryProblem, Long> counts) {
    Objects.requireNonNull(counts, "counts");
    Map<HistoryProblem, Long> all = new EnumMap<>(HistoryProblem.class);
    for (HistoryProblem p : HistoryProblem.values()) {
      all.put(p, counts.getOrDefault(p, 0L));
    }
    return Collections.unmodifiableMap(all);
  }

  /** Failed writes of every cause together. */
  public long totalWriteFailures() {
    return writeFailures.values().stream().mapToLong(Long::longValue).sum();
  }
}
