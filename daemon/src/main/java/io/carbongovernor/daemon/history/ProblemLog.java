package io.carbongovernor.daemon.history;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Logs each problem of the history once, with its real cause, and once more when a write works
 * again; counts every failure by cause. A failure whose cause is already standing is counted,
 * not logged, so a full disk does not fill the journal. The counters are read by the metrics
 * without the store's lock; the rest runs under it.
 */
final class ProblemLog {

  private static final Logger log = LoggerFactory.getLogger("history");

  /** What failed: a write loses its rows, a read falls back to nothing, an open is retried. */
  enum Operation {
    WRITE,
    READ,
    OPEN
  }

  private final AtomicLongArray writeFailures = new AtomicLongArray(HistoryProblem.values().length);
  private final AtomicLongArray problems = new AtomicLongArray(HistoryProblem.values().length);
  /** Problems logged and not yet cleared by a write that worked. */
  private final Set<HistoryProblem> standing = EnumSet.noneOf(HistoryProblem.class);
  private long failedWritesWhileStanding;

  void failed(Operation operation, String what, HistoryFailure failure) {
    HistoryProblem problem = failure.problem();
    if (operation == Operation.WRITE) {
      writeFailures.incrementAndGet(problem.ordinal());
      failedWritesWhileStanding++;
    }
    if (!standing.add(problem)) {
      log.atDebug().addKeyValue("cause", problem.label()).addKeyValue("what", what).log("history still failing");
      return;
    }
    problems.incrementAndGet(problem.ordinal());
    String message =
        switch (operation) {
          case WRITE -> "history write failed; control continues, writes are retried and counted until one works";
          case READ -> "history read failed; control continues without what it held";
          case OPEN -> "history unavailable; control continues, writes are retried and counted until one works";
        };
    log.atLevel(problem == HistoryProblem.DAMAGED ? Level.ERROR : Level.WARN)
        .addKeyValue("cause", problem.label())
        .addKeyValue("what", what)
        .addKeyValue("error", failure.detail())
        .log(message);
  }

  /** The database was deleted, replaced or damaged and a new one starts: logged every time. */
  void startedOver(HistoryFailure failure, Path file, Optional<Path> movedTo) {
    HistoryProblem problem = failure.problem();
    problems.incrementAndGet(problem.ordinal());
    var line =
        log.atLevel(problem == HistoryProblem.DAMAGED ? Level.ERROR : Level.WARN)
            .addKeyValue("cause", problem.label())
            .addKeyValue("file", file)
            .addKeyValue("error", failure.detail());
    switch (problem) {
      case DAMAGED ->
          line.addKeyValue("moved_to", movedTo.map(Path::toString).orElse("(nothing to move)"))
              .log("HISTORY DATABASE DAMAGED: moved aside, a new one starts at its path; the old rows are"
                  + " in the moved file");
      case DELETED ->
          line.log("history database deleted while the daemon ran; a new one starts at its path (what the"
              + " deleted file held is gone)");
      default -> line.log("history database replaced by another file while the daemon ran; writing to that one");
    }
  }

  /** A write worked: the standing problems are over. */
  void wrote() {
    if (standing.isEmpty()) {
      return;
    }
    log.atInfo()
        .addKeyValue("causes", standing.stream().map(HistoryProblem::label).collect(Collectors.joining(",")))
        .addKeyValue("failed_writes", failedWritesWhileStanding)
        .log("history works again");
    standing.clear();
    failedWritesWhileStanding = 0;
  }

  HistoryHealth health() {
    return new HistoryHealth(snapshot(writeFailures), snapshot(problems));
  }

  private static Map<HistoryProblem, Long> snapshot(AtomicLongArray counts) {
    Map<HistoryProblem, Long> out = new EnumMap<>(HistoryProblem.class);
    for (HistoryProblem p : HistoryProblem.values()) {
      out.put(p, counts.get(p.ordinal()));
    }
    return out;
  }
}
