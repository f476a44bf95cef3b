package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.teams.GpuClaims.Claim;
import io.carbongovernor.daemon.teams.PolicySet;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PolicyInput;
import io.carbongovernor.policy.PowerCap;
import io.carbongovernor.policy.GpuState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which policy decides each GPU: teams, the default, idle GPUs, sharing and the fail-safe. */
class TickPlanTest {

  private static final Instant NOW = Instant.parse("2026-10-03T13:30:00Z");
  private static final PowerConstraints A40 = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300));
  private static final Gpu G0 = new Gpu(0, "GPU-0", "A40", A40, Power.ofWatts(300));
  private static final Gpu G1 = new Gpu(1, "GPU-1", "A40", A40, Power.ofWatts(300));
  private static final Gpu G2 = new Gpu(2, "GPU-2", "A40", A40, Power.ofWatts(300));
  private static final List<GpuState> STATES =
      List.of(
          new GpuState(G0, Power.ofWatts(300), Power.ofWatts(300)),
          new GpuState(G1, Power.ofWatts(300), Power.ofWatts(300)),
          new GpuState(G2, Power.ofWatts(300), Power.ofWatts(300)));

  private static PolicyConfig cap(double fraction) {
    return new PolicyConfig("static", Policies.staticCap(PowerCap.fractionOfMax(fraction)));
  }

  private static TeamConfig team(String name, double fraction) {
    return new TeamConfig(name, Path.of(name + ".yaml"), List.of(name), List.of(), cap(fraction), List.of(), OptionalDouble.empty(), 0);
  }

  private static final PolicySet POLICIES =
      new PolicySet(
          cap(0.5),
          new PolicyConfig("full-speed", Policies.fullSpeed()),
          TeamDirectory.of(List.of(team("vision", 0.8), team("nlp", 0.6))));

  private static SignalReading fresh() {
    return SignalReading.fresh(
        new CarbonSignal("Z", NOW, NOW.plusSeconds(3600), CarbonIntensity.gramsPerKwh(300), SignalKind.AVERAGE, "trace", false),
        List.of());
  }

  private static Claim claim(String team) {
    return new Claim(Optional.ofNullable(team));
  }

  @Test
  void eachGpuFollowsItsTeamTheDefaultOrStaysAtItsOriginal() {
    TickPlan plan =
        TickPlan.make(NOW, fresh(), List.of(), Map.of(), POLICIES, STATES,
            Map.of(G0, Set.of(claim("nlp")), G1, Set.of(claim(null)), G2, Set.of()));
    assertThat(plan.target(G0).target()).isEqualTo(Power.ofWatts(180));
    assertThat(plan.target(G0).reason()).startsWith("team nlp: static cap");
    assertThat(plan.target(G1).target()).isEqualTo(Power.ofWatts(150));
    assertThat(plan.target(G1).reason()).startsWith("default policy: ");
    assertThat(plan.target(G2).target()).isEqualTo(Power.ofWatts(300));
    assertThat(plan.target(G2).reason()).isEqualTo("no job on this GPU: original limit");
  }

  @Test
  void eachPolicyIsHandedOnlyTheHistoryItReads() {
    // Ten hourly slots up to now; the default policy reads two hours back, the fail-safe none.
    List<CarbonSignal> past = new java.util.ArrayList<>();
    for (int h = 10; h >= 1; h--) {
      Instant start = NOW.minusSeconds(3600L * h);
      past.add(new CarbonSignal("Z", start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(100 + h),
          SignalKind.AVERAGE, "trace", false));
    }
    List<PolicyInput> seen = new java.util.ArrayList<>();
    PolicySet policies =
        new PolicySet(
            new PolicyConfig("recording", recording(java.time.Duration.ofHours(2), seen)),
            new PolicyConfig("recording", recording(java.time.Duration.ZERO, seen)),
            TeamDirectory.of(List.of()));
    TickPlan.make(NOW, fresh(), past, Map.of(), policies, STATES, Map.of(G0, Set.of(claim(null))));
    assertThat(seen.get(0).history()).extracting(sig -> sig.intensity().gramsPerKwh()).containsExactly(102.0, 101.0);
    TickPlan.make(NOW, SignalReading.failSafe("no fresh signal"), past, Map.of(), policies, STATES, Map.of());
    assertThat(seen.get(1).history()).isEmpty();
  }

  /** A full-speed policy reading {@code reach} of history that keeps what it was given. */
  private static Policy recording(java.time.Duration reach, List<PolicyInput> seen) {
    return new Policy() {
      @Override
      public String kind() {
        return "recording";
      }

      @Override
      public java.time.Duration historyNeeded() {
        return reach;
      }

      @Override
      public io.carbongovernor.policy.Decision decide(PolicyInput input) {
        seen.add(input);
        return Policies.fullSpeed().decide(input);
      }
    };
  }

  @Test
  void aSharedGpuTakesTheLeastRestrictiveLimit() {
    TickPlan plan =
        TickPlan.make(NOW, fresh(), List.of(), Map.of(), POLICIES, STATES,
            Map.of(G0, Set.of(claim("nlp"), claim("vision"), claim(null)), G1, Set.of(), G2, Set.of()));
    assertThat(plan.target(G0).target()).isEqualTo(Power.ofWatts(240));
    assertThat(plan.target(G0).reason()).startsWith("shared by team nlp, team vision; least restrictive of the teams: team vision");
    assertThat(plan.target(G0).teams()).containsExactlyInAnyOrder("nlp", "vision", "(default)");
  }

  /** The default policy here is the least restrictive of all, as full speed typically is. */
  @Test
  void theDefaultPolicyNeverOverridesATeamOnAGpuTheTeamUses() {
    PolicySet policies =
        new PolicySet(cap(0.9), new PolicyConfig("full-speed", Policies.fullSpeed()),
            TeamDirectory.of(List.of(team("vision", 0.8), team("nlp", 0.6))));
    TickPlan plan =
        TickPlan.make(NOW, fresh(), List.of(), Map.of(), policies, STATES,
            Map.of(G0, Set.of(claim("nlp"), claim(null)), G1, Set.of(claim(null)), G2, Set.of()));
    assertThat(plan.target(G0).target()).isEqualTo(Power.ofWatts(180)); // nlp's 60 %, not the default's 90 %
    assertThat(plan.target(G0).reason())
        .startsWith("team nlp: static cap")
        .endsWith("work no team owns is not counted on a team's GPU");
    assertThat(plan.target(G0).teams()).containsExactlyInAnyOrder("nlp", "(default)"); // both still share its energy
    assertThat(plan.target(G1).target()).isEqualTo(Power.ofWatts(270)); // only work no team owns: the default
    assertThat(plan.target(G1).reason()).startsWith("default policy: ").doesNotContain("not counted");
    assertThat(plan.target(G2).target()).isEqualTo(Power.ofWatts(300));
    assertThat(plan.target(G2).reason()).isEqualTo("no job on this GPU: original limit");

    TickPlan shared =
        TickPlan.make(NOW, fresh(), List.of(), Map.of(), policies, STATES,
            Map.of(G0, Set.of(claim("nlp"), claim("vision"), claim(null)), G1, Set.of(), G2, Set.of()));
    assertThat(shared.target(G0).target()).isEqualTo(Power.ofWatts(240)); // vision's 80 %, the default left out
    assertThat(shared.target(G0).reason())
        .startsWith("shared by team nlp, team vision; least restrictive of the teams: team vision")
        .endsWith("work no team owns is not counted on a team's GPU");
  }

  @Test
  void aTeamNearItsMonthlyBudgetIsTightened() {
    TeamConfig vision =
        new TeamConfig("vision", Path.of("vision.yaml"), List.of("vision"), List.of(), cap(0.8), List.of(),
            OptionalDouble.of(10), 0);
    PolicySet policies = new PolicySet(cap(0.5), new PolicyConfig("full-speed", Policies.fullSpeed()),
        TeamDirectory.of(List.of(vision)));
    Map<Gpu, Set<Claim>> claims = Map.of(G0, Set.of(claim("vision")), G1, Set.of(), G2, Set.of());
    // 9 of 10 kg spent: halfway from the policy's 240 W to the efficient 200 W (no profile: halfway
    // between the 100 W minimum and the 300 W original).
    TickPlan plan = TickPlan.make(NOW, fresh(), List.of(), Map.of("vision", 9_000.0), policies, STATES, claims);
    assertThat(plan.target(G0).target()).isEqualTo(Power.ofWatts(220));
    assertThat(plan.target(G0).reason()).contains("monthly carbon budget 90% spent");
    TickPlan early = TickPlan.make(NOW, fresh(), List.of(), Map.of("vision", 5_000.0), policies, STATES, claims);
    assertThat(early.target(G0).target()).isEqualTo(Power.ofWatts(240));
  }

  @Test
  void theFailSafeOverridesEveryTeam() {
    TickPlan plan =
        TickPlan.make(NOW, SignalReading.failSafe("no fresh signal (trace unavailable)"), List.of(), Map.of(), POLICIES, STATES,
            Map.of(G0, Set.of(claim("nlp")), G1, Set.of(claim(null)), G2, Set.of()));
    assertThat(plan.targets().values()).containsOnly(Power.ofWatts(300));
    assertThat(plan.target(G0).reason()).startsWith("fail-safe (no fresh signal");
  }
}
