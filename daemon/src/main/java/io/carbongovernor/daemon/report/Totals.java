package io.carbongovernor.daemon.report;

import io.carbongovernor.daemon.history.RollupSums;

/**
 * Sums over a set of energy rows, in base units as stored, with the figures a report shows.
 *
 * @param energyMj energy measured
 * @param baselineMj the same work at the original limits
 * @param emissionsG grams CO2e emitted (energy with a known intensity only)
 * @param baselineG grams the same work would have emitted at the original limits
 * @param unknownEnergyMj energy drawn while no intensity was known
 * @param limitMwMs limit integrated over busy time, for the average limit
 */
public record Totals(
    long samples,
    long energyMj,
    long baselineMj,
    double emissionsG,
    double baselineG,
    long unknownEnergyMj,
    double limitMwMs,
    long busyMs,
    long extraMs,
    long throttledMs) {

  public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** The history's sums in the base units a report computes with. */
  static Totals of(RollupSums s) {
    return new Totals(
        s.samples(), s.energy().millijoules(), s.baseline().millijoules(), s.emissions().grams(),
        s.baselineEmissions().grams(), s.unknownEnergy().millijoules(), s.limitMilliwattMillis(),
        s.busy().toMillis(), s.extra().toMillis(), s.throttled().toMillis());
  }

  public Totals plus(Totals o) {
    return new Totals(
        samples + o.samples, energyMj + o.energyMj, baselineMj + o.baselineMj, emissionsG + o.emissionsG,
        baselineG + o.baselineG, unknownEnergyMj + o.unknownEnergyMj, limitMwMs + o.limitMwMs,
        busyMs + o.busyMs, extraMs + o.extraMs, throttledMs + o.throttledMs);
  }

  public double energyKwh() {
    return energyMj / 3.6e9;
  }

  public double emissionsKg() {
    return emissionsG / 1000.0;
  }

  public double baselineKg() {
    return baselineG / 1000.0;
  }

  public double avoidedKg() {
    return (baselineG - emissionsG) / 1000.0;
  }

  /** Avoided emissions as a share of the baseline, in percent; 0 without a baseline. */
  public double avoidedPercent() {
    return baselineG > 0 ? 100.0 * (baselineG - emissionsG) / baselineG : 0.0;
  }

  public double extraGpuHours() {
    return extraMs / 3.6e6;
  }

  /** Time beyond the full-speed time of the same work, in percent of that time. */
  public double slowdownPercent() {
    long fullSpeed = busyMs - extraMs;
    return fullSpeed > 0 ? 100.0 * extraMs / fullSpeed : 0.0;
  }

  /** Energy-weighted average intensity over the energy with a known intensity; NaN without. */
  public double averageIntensity() {
    double knownKwh = (energyMj - unknownEnergyMj) / 3.6e9;
    return knownKwh > 0 ? emissionsG / knownKwh : Double.NaN;
  }

  public double throttledPercent() {
    return busyMs > 0 ? 100.0 * throttledMs / busyMs : 0.0;
  }

  /** The average power limit over busy time, in watts; NaN without busy time. */
  public double averageLimitWatts() {
    return busyMs > 0 ? limitMwMs / busyMs / 1000.0 : Double.NaN;
  }

  public double unknownEnergyKwh() {
    return unknownEnergyMj / 3.6e9;
  }
}
