package io.carbongovernor.policy.sim;

import java.util.Objects;

/**
 * What one contender did over all jobs of a {@link DeferralExperiment}.
 *
 * @param carbonChangePercent against starting each job at once at full speed
 * @param oracleShare the share of the joint oracle's reduction reached (1: as good as perfect
 *     knowledge of start and limits); NaN when the oracle saves nothing
 * @param meanDelayHours mean time from arrival to start
 * @param lateStarts jobs started after their latest feasible start (must be 0)
 * @param missedDeadlines jobs finished after their deadline (must be 0)
 */
public record DeferResult(DeferContender contender, Totals totals, double carbonChangePercent, double oracleShare,
    double meanDelayHours, int lateStarts, int missedDeadlines) {
  public DeferResult {
    Objects.requireNonNull(contender, "contender");
    Objects.requireNonNull(totals, "totals");
  }
}
