package io.carbongovernor.policy.sim;

import java.util.List;

/**
 * A lower bound on the carbon a set of jobs can emit in a given total time, whatever schedules
 * they take, with the whole trace known: for each price of time p, no schedules emit less than
 * the sum over the jobs of their least grams plus p times hours, less p times the total hours
 * (a Lagrangian bound). It is exact at each price's own total, which its priced schedules
 * reach; between those totals it lies at or below the lower convex hull of what schedules reach,
 * the nearer the more prices there are.
 *
 * @param lines one per price, by increasing price
 * @param fullSpeed the same jobs at full speed: what changes are measured against
 */
public record TeamBound(List<Line> lines, Totals fullSpeed) {

  /**
   * @param gramsPerHour the price of an hour of job time
   * @param pricedGrams the sum over jobs of the least grams plus price times hours
   * @param reached the jobs' totals under their priced schedules: a point the bound touches
   */
  public record Line(double gramsPerHour, double pricedGrams, Totals reached) {}

  public TeamBound {
    lines = List.copyOf(lines);
    if (lines.isEmpty()) {
      throw new IllegalArgumentException("a bound needs at least one price");
    }
  }

  /**
   * The least carbon change, percent against full speed, that any schedules of these jobs reach
   * at a total time change of {@code timeChangePercent}.
   */
  public double carbonChangePercentAt(double timeChangePercent) {
    double hours = fullSpeed.hours() * (1 + timeChangePercent / 100);
    double grams = Double.NEGATIVE_INFINITY;
    for (Line line : lines) {
      grams = Math.max(grams, line.pricedGrams() - line.gramsPerHour() * hours);
    }
    return (grams - fullSpeed.grams()) / fullSpeed.grams() * 100;
  }
}
