package io.carbongovernor.policy.sim;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The carbon/time frontier of a sweep: the results no other result beats on both. */
public final class Frontier {

  private Frontier() {}

  /** The Pareto-optimal results (less time change and less carbon change), by increasing time. */
  public static List<Result> of(List<Result> results) {
    List<Result> sorted = new ArrayList<>(results);
    sorted.sort(Comparator.comparingDouble(Result::timeChangePercent).thenComparingDouble(Result::carbonChangePercent));
    List<Result> frontier = new ArrayList<>();
    double best = Double.POSITIVE_INFINITY;
    for (Result r : sorted) {
      if (r.carbonChangePercent() < best - 1e-9) {
        frontier.add(r);
        best = r.carbonChangePercent();
      }
    }
    return frontier;
  }

  /**
   * The carbon change a frontier reaches at a time change: linear between its points, its last
   * point's value beyond them (more time never costs carbon), and full speed's 0 % before its
   * first point when that point is slower.
   */
  public static double carbonAt(List<Result> frontier, double timeChangePercent) {
    double prevTime = 0;
    double prevCarbon = 0;
    for (Result r : frontier) {
      if (r.timeChangePercent() >= timeChangePercent) {
        if (r.timeChangePercent() <= prevTime) {
          return r.carbonChangePercent();
        }
        double t = (timeChangePercent - prevTime) / (r.timeChangePercent() - prevTime);
        return prevCarbon + Math.max(0, t) * (r.carbonChangePercent() - prevCarbon);
      }
      prevTime = r.timeChangePercent();
      prevCarbon = r.carbonChangePercent();
    }
    return prevCarbon;
  }
}
