package io.carbongovernor.daemon.teams;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/**
 * How a team's monthly carbon budget tightens its policy. Until 80 % of the budget is spent the
 * policy's limit stands. From 80 % to 100 % the limit moves linearly from the policy's limit to
 * the GPU's most efficient limit (the least energy per unit of work in its profile; without a
 * profile, halfway between its minimum and its original limit). At 100 % and beyond the GPU runs
 * at that efficient limit, or lower if the policy asks for lower. Pure.
 */
public final class MonthlyBudget {

  /** Below this share of the budget spent, the policy's limit stands. */
  public static final double TIGHTEN_FROM = 0.8;

  private MonthlyBudget() {}

  /** A limit after the budget rule, and why when it changed anything. */
  public record Tightened(Power limit, Optional<String> note) {}

  public static Tightened apply(
      Power policyLimit,
      double spentFraction,
      PowerConstraints constraints,
      Power original,
      Optional<PowerProfile> profile) {
    if (!(spentFraction >= TIGHTEN_FROM)) {
      return new Tightened(policyLimit, Optional.empty());
    }
    Power efficient = efficientLimit(constraints, original, profile);
    if (!efficient.isBelow(policyLimit)) {
      return new Tightened(policyLimit, Optional.empty());
    }
    double w = Math.min(1.0, (spentFraction - TIGHTEN_FROM) / (1.0 - TIGHTEN_FROM));
    Power limit =
        constraints.clamp(
            Power.ofMilliwatts(
                Math.round(policyLimit.milliwatts() - w * (policyLimit.milliwatts() - efficient.milliwatts()))));
    return new Tightened(
        limit,
        Optional.of(
            String.format(
                Locale.ROOT,
                "monthly carbon budget %.0f%% spent: tightened toward the efficient limit %s",
                100 * spentFraction,
                efficient)));
  }

  /** The limit with the least energy per unit of work, within the GPU's range. */
  static Power efficientLimit(PowerConstraints constraints, Power original, Optional<PowerProfile> profile) {
    if (profile.isPresent()) {
      PowerProfile p = profile.get();
      return p.points().stream()
          .map(PowerProfile.Point::limit)
          .map(constraints::clamp)
          .min(Comparator.comparingDouble(l -> p.epochEnergyAt(l).joules()))
          .orElse(original);
    }
    return Power.ofMilliwatts((constraints.min().milliwatts() + original.milliwatts()) / 2);
  }
}
