package io.carbongovernor.policy.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Zeus's pruning exploration, replayed over a job's finished runs: either the next size to try,
 * or the sizes that survived every round.
 */
final class PruningReplay {

  /** The next size pruning wants, or (when {@code next} is empty) the survivors. */
  record Plan(Optional<Step> next, List<Integer> survivors, int restarts) {}

  /** One size to try, where it sits in the exploration. */
  record Step(int batchSize, int round, boolean downward, int from, List<Integer> candidates) {}

  private PruningReplay() {}

  static Plan replay(List<RunOutcome> runs, JobSpec job, int rounds) {
    List<Integer> candidates = job.allowedSizes();
    int from = job.defaultSize();
    int cursor = 0;
    int restarts = 0;
    int round = 1;
    while (round <= rounds) {
      int at = candidates.indexOf(from);
      List<Integer> down = new ArrayList<>(candidates.subList(0, at + 1));
      java.util.Collections.reverse(down);
      List<Integer> up = candidates.subList(at + 1, candidates.size());
      List<Integer> good = new ArrayList<>();
      int best = from;
      double bestCost = Double.POSITIVE_INFINITY;
      for (List<Integer> direction : List.of(down, up)) {
        for (int size : direction) {
          int found = next(runs, cursor, size);
          if (found < 0) {
            return new Plan(Optional.of(new Step(size, round, direction == down, from, candidates)), candidates, restarts);
          }
          cursor = found + 1;
          RunOutcome run = runs.get(found);
          if (!run.reachedTarget()) {
            break;
          }
          good.add(size);
          double cost = run.costGrams(job.timeWeight());
          if (cost < bestCost) {
            bestCost = cost;
            best = size;
          }
        }
      }
      if (good.isEmpty()) {
        // Nothing reached the target: Zeus gives up here; we start over from the default.
        candidates = job.allowedSizes();
        from = job.defaultSize();
        restarts++;
        round = 1;
        continue;
      }
      good.sort(null);
      candidates = List.copyOf(good);
      from = best;
      round++;
    }
    return new Plan(Optional.empty(), candidates, restarts);
  }

  /** Index of the first run at or after {@code from} with {@code size}; -1 if none. */
  private static int next(List<RunOutcome> runs, int from, int size) {
    for (int i = from; i < runs.size(); i++) {
      if (runs.get(i).batchSize() == size) {
        return i;
      }
    }
    return -1;
  }
}
