package io.carbongovernor.policy.batch;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Zeus's pruning exploration, replayed over a job's finished runs: either the next size to try,
 * or the sizes that survived every round.
 */
final class PruningReplay {

  /**
   * The next size pruning wants (empty once pruning is over), and the sizes still in the running:
   * the current round's candidates, or the survivors once pruning is over.
   */
  record Plan(Optional<Step> next, List<Integer> candidates, int restarts) {}

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
      Collections.reverse(down);
      List<Integer> up = candidates.subList(at + 1, candidates.size());
      List<RunOutcome> tried = new ArrayList<>();
      List<Integer> good = new ArrayList<>();
      for (List<Integer> direction : List.of(down, up)) {
        for (int size : direction) {
          int found = next(runs, cursor, size);
          if (found < 0) {
            return new Plan(Optional.of(new Step(size, round, direction == down, from, candidates)), candidates, restarts);
          }
          cursor = found + 1;
          RunOutcome run = runs.get(found);
          tried.add(run);
          if (!run.reachedTarget()) {
            break;
          }
          good.add(size);
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
      from = cheapest(tried, job);
      good.sort(null);
      candidates = List.copyOf(good);
      round++;
    }
    return new Plan(Optional.empty(), candidates, restarts);
  }

  /**
   * The size of the round's cheapest run that reached the target, every run priced at the
   * round's mean intensity (so that a clean hour does not pick the next round's start); the
   * earliest wins a tie. Depends only on the round's runs, so later runs never change it.
   */
  private static int cheapest(List<RunOutcome> tried, JobSpec job) {
    CarbonIntensity at = Costs.meanIntensity(tried);
    int best = -1;
    double bestCost = Double.POSITIVE_INFINITY;
    for (RunOutcome run : tried) {
      double cost = run.costGramsAt(at, job.timeWeight());
      if (run.reachedTarget() && cost < bestCost) {
        bestCost = cost;
        best = run.batchSize();
      }
    }
    return best;
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
