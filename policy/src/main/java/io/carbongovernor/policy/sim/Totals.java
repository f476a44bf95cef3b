package io.carbongovernor.policy.sim;

import java.util.List;

/** Sums over jobs: carbon (g), energy (kWh) and job time (h). */
public record Totals(int jobs, double grams, double kilowattHours, double hours) {

  public static Totals of(List<JobOutcome> outcomes) {
    double g = 0;
    double kwh = 0;
    double h = 0;
    for (JobOutcome o : outcomes) {
      g += o.grams();
      kwh += o.kilowattHours();
      h += o.hours();
    }
    return new Totals(outcomes.size(), g, kwh, h);
  }

  /** Percent change of carbon against a baseline (negative: less carbon). */
  public double carbonChangePercent(Totals baseline) {
    return change(grams, baseline.grams);
  }

  /** Percent change of job time against a baseline (positive: slower). */
  public double timeChangePercent(Totals baseline) {
    return change(hours, baseline.hours);
  }

  private static double change(double value, double base) {
    return base == 0 ? 0 : (value - base) / base * 100;
  }
}
