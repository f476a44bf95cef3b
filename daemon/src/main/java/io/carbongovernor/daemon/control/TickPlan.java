package io.carbongovernor.daemon.control;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.teams.GpuClaims.Claim;
import io.carbongovernor.daemon.teams.MonthlyBudget;
import io.carbongovernor.daemon.teams.PolicySet;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.Decision;
import io.carbongovernor.policy.GpuState;
import io.carbongovernor.policy.LimitDecision;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PolicyInput;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one tick's inputs into a target per GPU. On a GPU that a team's work uses, only teams
 * decide: the default policy (work no team owns) never overrides a team on the team's GPU, and
 * a GPU several teams use takes the least restrictive (highest) of their limits, so no team is
 * slowed by another team's stricter policy. A GPU with only work no team owns follows the
 * default policy; a GPU without work keeps its original limit. Pure: the same inputs give the
 * same plan.
 */
final class TickPlan {

  /**
   * The plan for one GPU.
   *
   * @param teams the claims on the GPU: team names, and {@link #DEFAULT_POLICY_KEY} for work under
   *     the default policy; empty for a GPU without work
   */
  record Target(Gpu gpu, Power target, String policy, List<String> teams, String reason) {}

  private final Map<Gpu, Target> targets;
  private final Map<String, OptionalInt> batchSizeByTeam;

  private TickPlan(Map<Gpu, Target> targets, Map<String, OptionalInt> batchSizeByTeam) {
    this.targets = targets;
    this.batchSizeByTeam = batchSizeByTeam;
  }

  /** The claim key of work under the default policy (no team). */
  static final String DEFAULT_POLICY_KEY = EnergyRecord.DEFAULT_POLICY;

  static TickPlan make(
      Instant now,
      SignalReading reading,
      List<CarbonSignal> past,
      Map<String, Double> spentGramsByTeam,
      PolicySet policies,
      List<GpuState> states,
      Map<Gpu, Set<Claim>> claims) {
    Map<Gpu, Target> targets = new LinkedHashMap<>();
    Map<String, OptionalInt> batchSizes = new LinkedHashMap<>();
    if (reading.failSafeReason().isPresent()) {
      Policy failSafe = policies.failSafe().policy();
      Decision d = failSafe.decide(input(now, reading, past, states, failSafe));
      for (LimitDecision l : d.limits()) {
        targets.put(
            l.gpu(),
            new Target(l.gpu(), l.target(), d.policy(), teamsOn(claims.get(l.gpu())),
                "fail-safe (" + reading.failSafeReason().get() + "): " + l.reason()));
      }
      return new TickPlan(targets, batchSizes);
    }

    // Group the busy GPUs by who decides them: the teams working there, else the default policy.
    Map<String, List<GpuState>> byKey = new LinkedHashMap<>();
    for (GpuState state : states) {
      Set<Claim> onGpu = claims.getOrDefault(state.gpu(), Set.of());
      if (onGpu.isEmpty()) {
        targets.put(
            state.gpu(),
            new Target(state.gpu(), state.originalLimit(), "full-speed", List.of(),
                "no job on this GPU: original limit"));
        continue;
      }
      for (String key : deciders(onGpu)) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(state);
      }
    }

    Map<Gpu, List<Target>> candidates = new LinkedHashMap<>();
    for (Map.Entry<String, List<GpuState>> e : byKey.entrySet()) {
      String key = e.getKey();
      Optional<String> team = key.equals(DEFAULT_POLICY_KEY) ? Optional.empty() : Optional.of(key);
      Policy policy = policies.policyOf(team).policy();
      Decision d = policy.decide(input(now, reading, past, e.getValue(), policy));
      batchSizes.put(key, d.batchSize());
      Optional<TeamConfig> config = team.flatMap(policies.teams()::team);
      for (LimitDecision l : d.limits()) {
        Power target = l.target();
        String reason = display(key) + ": " + l.reason();
        if (config.isPresent() && config.get().monthlyCarbonBudgetKg().isPresent()) {
          GpuState state = e.getValue().stream().filter(st -> st.gpu().equals(l.gpu())).findFirst().orElseThrow();
          double spent = spentGramsByTeam.getOrDefault(key, 0.0) / (1000 * config.get().monthlyCarbonBudgetKg().getAsDouble());
          MonthlyBudget.Tightened t =
              MonthlyBudget.apply(target, spent, l.gpu().constraints(), state.originalLimit(), state.profile());
          target = t.limit();
          reason = t.note().map(n -> display(key) + ": " + l.reason() + "; " + n).orElse(reason);
        }
        candidates
            .computeIfAbsent(l.gpu(), g -> new ArrayList<>())
            .add(new Target(l.gpu(), target, d.policy(), List.of(key), reason));
      }
    }
    for (Map.Entry<Gpu, List<Target>> e : candidates.entrySet()) {
      List<Target> options = e.getValue();
      List<String> onGpu = teamsOn(claims.get(e.getKey()));
      Target winner = options.stream().max((a, b) -> a.target().compareTo(b.target())).orElseThrow();
      String reason = winner.reason();
      if (options.size() > 1) {
        String who = String.join(", ", options.stream().flatMap(t -> t.teams().stream()).map(TickPlan::display).toList());
        reason = "shared by " + who + "; least restrictive of the teams: " + reason;
      }
      if (!winner.teams().contains(DEFAULT_POLICY_KEY) && onGpu.contains(DEFAULT_POLICY_KEY)) {
        reason += "; work no team owns is not counted on a team's GPU";
      }
      // Every claim stays listed, so the GPU's energy is still shared among all its work.
      targets.put(e.getKey(), new Target(e.getKey(), winner.target(), winner.policy(), onGpu, reason));
    }
    return new TickPlan(targets, batchSizes);
  }

  /** The policy's input, with no more of {@code past} (oldest first) than the policy reads. */
  private static PolicyInput input(
      Instant now, SignalReading reading, List<CarbonSignal> past, List<GpuState> states, Policy policy) {
    return new PolicyInput(now, reading.current(), reading.forecast(), states)
        .withHistory(CarbonSignal.startingFrom(past, now.minus(policy.historyNeeded())));
  }

  /** The teams working on a GPU; the default policy only where no team works. */
  private static Set<String> deciders(Set<Claim> claims) {
    TreeSet<String> teams = new TreeSet<>();
    claims.forEach(c -> c.team().ifPresent(teams::add));
    return teams.isEmpty() ? Set.of(DEFAULT_POLICY_KEY) : teams;
  }

  private static List<String> teamsOn(Set<Claim> claims) {
    if (claims == null) {
      return List.of();
    }
    TreeSet<String> keys = new TreeSet<>();
    claims.forEach(c -> keys.add(c.team().orElse(DEFAULT_POLICY_KEY)));
    return List.copyOf(keys);
  }

  /** How a claim key reads in a reason. */
  static String display(String key) {
    return key.equals(DEFAULT_POLICY_KEY) ? "default policy" : "team " + key;
  }

  Map<Gpu, Power> targets() {
    Map<Gpu, Power> out = new LinkedHashMap<>();
    targets.forEach((g, t) -> out.put(g, t.target()));
    return out;
  }

  Target target(Gpu gpu) {
    return targets.get(gpu);
  }

  Map<String, OptionalInt> batchSizeByTeam() {
    return batchSizeByTeam;
  }
}
