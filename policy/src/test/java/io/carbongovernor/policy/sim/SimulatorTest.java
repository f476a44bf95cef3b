package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.PROFILE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.PowerCap;
import io.carbongovernor.policy.TestWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

class SimulatorTest {

  static CarbonTrace hourly(int hours, IntToDoubleFunction value) {
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (int h = 0; h < hours; h++) {
      Instant start = T0.plusSeconds(3600L * h);
      slots.add(new CarbonTrace.Slot(start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(value.applyAsDouble(h)), false));
    }
    return CarbonTrace.of("test", slots);
  }

  @Test
  void accountsCarbonEnergyAndTimeAsByHand() {
    Simulator sim = Simulator.create(hourly(3, h -> 100 * (h + 1)), GPU, PROFILE);
    // 4320 epochs at 200 W: 0.8 epoch/s, so 5400 s. Hour 0: 150 W * 3600 s = 0.15 kWh * 100 g =
    // 15 g; hour 1: 150 W * 1800 s = 0.075 kWh * 200 g = 15 g.
    JobOutcome o = sim.run(Policies.staticCap(PowerCap.watts(Power.ofWatts(200))), T0, 4320);
    assertThat(o.grams()).isCloseTo(30.0, offset(1e-9));
    assertThat(o.kilowattHours()).isCloseTo(0.225, offset(1e-12));
    assertThat(o.hours()).isCloseTo(1.5, offset(1e-9));
    assertThat(o.finish()).isEqualTo(T0.plusSeconds(5400));
    // Full speed: 4320 s at 200 W: 0.2 kWh * 100 + 720 s * 200 W = 0.04 kWh * 200 = 20 + 8 = 28 g.
    JobOutcome full = sim.run(Policies.fullSpeed(), T0, 4320);
    assertThat(full.grams()).isCloseTo(28.0, offset(1e-9));
    assertThat(full.hours()).isCloseTo(1.2, offset(1e-9));
  }

  @Test
  void aJobStartingMidSlotPaysThatSlotOnlyFromItsStart() {
    Simulator sim = Simulator.create(hourly(3, h -> 100 * (h + 1)), GPU, PROFILE);
    // Start at 0:30, full speed, 3600 epochs: 1800 s in hour 0 (0.1 kWh * 100 = 10 g), 1800 s in
    // hour 1 (0.1 kWh * 200 = 20 g).
    JobOutcome o = sim.run(Policies.fullSpeed(), T0.plusSeconds(1800), 3600);
    assertThat(o.grams()).isCloseTo(30.0, offset(1e-9));
  }

  @Test
  void totalsCompareAgainstABaseline() {
    Totals base = new Totals(1, 100, 1, 10);
    Totals t = new Totals(1, 90, 0.9, 10.5);
    assertThat(t.carbonChangePercent(base)).isCloseTo(-10.0, offset(1e-9));
    assertThat(t.timeChangePercent(base)).isCloseTo(5.0, offset(1e-9));
  }

  @Test
  void theOracleBeatsEveryPolicyAtEqualSlowdown() {
    // A day-night grid with noise: no policy may beat perfect knowledge with the same deadline.
    java.util.Random random = new java.util.Random(3);
    double[] values = new double[24 * 20];
    for (int h = 0; h < values.length; h++) {
      values[h] = 250 + 150 * Math.sin(2 * Math.PI * h / 24) + random.nextGaussian() * 30;
    }
    Simulator sim = Simulator.create(hourly(values.length, h -> Math.max(0, values[h])), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofHours(13), Duration.ofDays(10), 20_000);
    assertThat(starts).hasSizeGreaterThan(10);
    Experiment ex = Experiment.of(sim, starts, 20_000);
    List<Contender> contenders = List.of(
        Contender.of("chase", "eta=0.97", 0.97, Policies.chase(ChaseSettings.DEFAULTS.withEta(0.97))),
        Contender.of("static", "cap=200 W", 200, Policies.staticCap(PowerCap.watts(Power.ofWatts(200)))),
        Contender.of("forecast", "budget=10%", 10, Policies.forecast(ForecastSettings.percent(10))),
        Contender.of("forecast", "budget=25%", 25, Policies.forecast(ForecastSettings.percent(25))));
    for (Contender c : contenders) {
      Result r = ex.measure(c);
      assertThat(r.oracleFraction()).as(c.knob()).isLessThanOrEqualTo(1 + 1e-9).isGreaterThan(0);
    }
    Result oracle = ex.measure(Contender.oracle(0.10));
    assertThat(oracle.timeChangePercent()).isLessThanOrEqualTo(10 + 1e-6);
    assertThat(oracle.oracleFraction()).isCloseTo(1.0, offset(1e-9));
  }

  @Test
  void onARepeatingDayTheForecastPolicyComesCloseToTheOracle() {
    // Every day alike: the history forecaster is exact after a week, so the receding-horizon plan
    // sees what the oracle sees.
    Simulator sim = Simulator.create(hourly(24 * 16, h -> h % 24 < 8 ? 600 : 150), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofHours(5), Duration.ofDays(5), 30_000);
    Experiment ex = Experiment.of(sim, starts, 30_000);
    Result forecast = ex.measure(Contender.of("forecast", "budget=20%", 20, Policies.forecast(ForecastSettings.percent(20))));
    assertThat(forecast.timeChangePercent()).isLessThanOrEqualTo(20 + 1e-6);
    assertThat(forecast.carbonChangePercent()).isLessThan(-5);
    assertThat(forecast.oracleFraction()).isGreaterThan(0.95);
  }

  @Test
  void aPerfectForecastShowsThePlannerApartFromForecastError() {
    // Weather without a daily pattern: history cannot forecast it, the trace's future can.
    java.util.Random random = new java.util.Random(7);
    double[] values = new double[24 * 20];
    for (int h = 0; h < values.length; h++) {
      values[h] = 100 + random.nextInt(800);
    }
    Simulator sim = Simulator.create(hourly(values.length, h -> values[h]), GPU, PROFILE);
    Simulator foreseen = sim.withPerfectForecast(Duration.ofHours(48));
    // What a policy is given: the next 48 slots as they will be.
    List<io.carbongovernor.policy.PolicyInput> seen = new ArrayList<>();
    foreseen.run(recording(Duration.ZERO, seen), T0.plus(Duration.ofDays(10)), 3600);
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).history()).as("the recording policy reads no history").isEmpty();
    assertThat(seen.get(0).forecast()).hasSize(48);
    assertThat(seen.get(0).forecast().get(0).start()).isEqualTo(T0.plus(Duration.ofDays(10)).plusSeconds(3600));
    assertThat(seen.get(0).forecast().get(47).intensity().gramsPerKwh()).isEqualTo(values[10 * 24 + 48]);

    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofHours(7), Duration.ofDays(8), 30_000);
    Contender forecast = Contender.of("forecast", "budget=20%", 20, Policies.forecast(ForecastSettings.percent(20)));
    double blind = Experiment.of(sim, starts, 30_000).measure(forecast).oracleFraction();
    double sighted = Experiment.of(foreseen, starts, 30_000).measure(forecast).oracleFraction();
    assertThat(sighted).isGreaterThan(0.99).isGreaterThan(blind + 0.05);
  }

  @Test
  void aPolicyIsGivenTheHistoryItReads() {
    Simulator sim = Simulator.create(hourly(48, h -> 100 + h), GPU, PROFILE);
    List<io.carbongovernor.policy.PolicyInput> seen = new ArrayList<>();
    io.carbongovernor.policy.Policy fiveHours = recording(Duration.ofHours(5), seen);
    sim.run(fiveHours, T0.plusSeconds(3 * 3600), 7200);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).history()).hasSize(3).as("all there is before hour 3");
    assertThat(seen.get(1).history()).hasSize(4);
    sim.run(fiveHours, T0.plusSeconds(20 * 3600), 3600);
    assertThat(seen.get(2).history()).hasSize(5);
    assertThat(seen.get(2).history().get(4).intensity().gramsPerKwh()).isEqualTo(119.0);
  }

  /** A policy at full speed that keeps what it was given. */
  private static io.carbongovernor.policy.Policy recording(Duration reach, List<io.carbongovernor.policy.PolicyInput> seen) {
    return new io.carbongovernor.policy.Policy() {
      @Override
      public String kind() {
        return "recording";
      }

      @Override
      public Duration historyNeeded() {
        return reach;
      }

      @Override
      public io.carbongovernor.policy.Decision decide(io.carbongovernor.policy.PolicyInput input) {
        seen.add(input);
        return Policies.fullSpeed().decide(input);
      }
    };
  }

  /** Hourly slots from {@code hoursBefore} hours before T0, with a gap where {@code skip} says. */
  static CarbonTrace before(int hoursBefore, IntToDoubleFunction value, java.util.function.IntPredicate skip) {
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (int h = -hoursBefore; h < 0; h++) {
      if (!skip.test(h)) {
        Instant start = T0.plusSeconds(3600L * h);
        slots.add(new CarbonTrace.Slot(start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(value.applyAsDouble(h)), false));
      }
    }
    return CarbonTrace.of("earlier", slots);
  }

  @Test
  void historyBeforeTheTraceIsSeenButNotSimulated() {
    // Ten hours before T0 at 500 + h (h = -10..-1), hour -4 missing; the trace at 100 + h.
    Simulator sim = Simulator.create(hourly(6, h -> 100 + h), GPU, PROFILE)
        .withHistory(before(10, h -> 500 + h, h -> h == -4));
    List<io.carbongovernor.policy.PolicyInput> seen = new ArrayList<>();
    JobOutcome o = sim.run(recording(Duration.ofHours(5), seen), T0.plusSeconds(3600), 7200);
    // At hour 1: hours -4..0 reach back 5 h; -4 is a gap, so -3, -2, -1 from the history and 0.
    assertThat(seen.get(0).history()).extracting(sig -> sig.intensity().gramsPerKwh())
        .containsExactly(497.0, 498.0, 499.0, 100.0);
    assertThat(seen.get(0).history()).allMatch(sig -> sig.zone().equals("test"));
    assertThat(seen.get(1).history()).extracting(sig -> sig.intensity().gramsPerKwh())
        .containsExactly(497.0, 498.0, 499.0, 100.0, 101.0);
    assertThat(sim.history()).hasSize(9).last().satisfies(sig -> assertThat(sig.end()).isEqualTo(T0));
    // Carbon is the trace's only: two full-speed hours at 200 W over hours 1 and 2.
    assertThat(o.grams()).isCloseTo(0.2 * 101 + 0.2 * 102, offset(1e-9));
    assertThat(o).isEqualTo(Simulator.create(hourly(6, h -> 100 + h), GPU, PROFILE).run(Policies.fullSpeed(), T0.plusSeconds(3600), 7200));
  }

  @Test
  void aTeamPricesItsFirstJobOnTheHistoryBeforeTheTrace() {
    // The trace is one steady 300 g. Alone, that is all a team has seen: nothing is dearer than
    // the rest, so it spends its budget evenly. After a week of 100 g, 300 g is the dirtiest
    // there has been and the team throttles.
    Simulator alone = Simulator.create(hourly(30, h -> 300), GPU, PROFILE);
    Simulator afterCleanWeek = alone.withHistory(before(168, h -> 100, h -> false));
    io.carbongovernor.policy.Policy team = Policies.forecast(
        ForecastSettings.percent(5).withScope(ForecastSettings.BudgetScope.TEAM).withWindow(Duration.ofDays(14)));
    double slowAlone = alone.run(team, T0, 14_400).hours();
    double slowAfter = afterCleanWeek.run(team, T0, 14_400).hours();
    assertThat(slowAfter).isGreaterThan(slowAlone + 0.1);
  }

  @Test
  void historyMustComeBeforeTheTrace() {
    Simulator sim = Simulator.create(hourly(6, h -> 100), GPU, PROFILE);
    assertThatThrownBy(() -> sim.withHistory(hourly(3, h -> 100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not before the simulated trace's start");
  }

  /** Clean days (100-200 g) and dirty days (600-900 g) at random, hourly, no daily pattern. */
  static CarbonTrace dirtyAndCleanDays(int days) {
    java.util.Random random = new java.util.Random(11);
    double[] values = new double[24 * days];
    for (int d = 0; d < days; d++) {
      boolean dirty = random.nextBoolean();
      for (int h = 0; h < 24; h++) {
        values[d * 24 + h] = dirty ? 600 + random.nextInt(300) : 100 + random.nextInt(100);
      }
    }
    return hourly(values.length, h -> values[h]);
  }

  @Test
  void aTeamBudgetHoldsOnAverageAndSpendsMoreOnDirtyDays() {
    // 10 % on average.
    Simulator sim = Simulator.create(dirtyAndCleanDays(80), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(29)), Duration.ofDays(1), Duration.ofDays(48), 14_400);
    Experiment ex = Experiment.of(sim, starts, 14_400);
    Result team = ex.measure(Contenders.forecast(10, ForecastSettings.BudgetScope.TEAM), false);
    Result job = ex.measure(Contenders.forecast(10), false);
    assertThat(team.timeChangePercent()).isBetween(7.0, 13.0);
    // Per job, each job spends its 10 %; as a team the same time goes to the dirty days.
    assertThat(team.carbonChangePercent()).isLessThan(job.carbonChangePercent() - 0.5);
  }

  @Test
  void theWorstStretchIsTheSlowestRunOfConsecutiveJobs() {
    // Ten dirty days, then ten clean ones: Chase at eta 0.9 slows the dirty days' jobs only, so
    // its worst five-job stretch is the dirty days' own time change, above its average; a static
    // cap slows every job alike, so every stretch is its average.
    double[] values = new double[24 * 30];
    for (int h = 0; h < values.length; h++) {
      values[h] = h < 24 * 10 ? 900 : 100;
    }
    Simulator sim = Simulator.create(hourly(values.length, h -> values[h]), GPU, PROFILE);
    List<Instant> all = Experiment.starts(sim, T0, Duration.ofDays(1), Duration.ofDays(18), 14_400);
    Experiment ex = Experiment.of(sim, all, 14_400);
    Contender chase = Contenders.chase(ChaseSettings.DEFAULTS.withEta(0.9));
    double dirtyDays = Experiment.of(sim, all.subList(0, 5), 14_400).measure(chase, false).timeChangePercent();
    assertThat(dirtyDays).isGreaterThan(5);
    assertThat(ex.worstStretchTimeChangePercent(chase, 5)).isCloseTo(dirtyDays, offset(1e-9));
    assertThat(ex.worstStretchTimeChangePercent(chase, all.size()))
        .isCloseTo(ex.measure(chase, false).timeChangePercent(), offset(1e-9))
        .isLessThan(dirtyDays);
    Contender cap = Contenders.staticCap(Power.ofWatts(200));
    assertThat(ex.worstStretchTimeChangePercent(cap, 3))
        .isCloseTo(ex.measure(cap, false).timeChangePercent(), offset(1e-9));
    assertThatThrownBy(() -> ex.worstStretchTimeChangePercent(cap, all.size() + 1))
        .hasMessageContaining("a stretch of 19 jobs, but there are 18");
  }

  @Test
  void theTeamOracleIsAtOrBelowEveryPerJobOracleAndEveryPolicy() {
    Simulator sim = Simulator.create(dirtyAndCleanDays(40), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofDays(1), Duration.ofDays(24), 14_400);
    Experiment ex = Experiment.of(sim, starts, 14_400);
    double[] budgets = {1, 2.5, 5, 10, 20, 30};
    List<Result> hull = ex.teamOracle(budgets);
    assertThat(hull.get(0).timeChangePercent()).isZero();
    assertThat(hull.get(0).carbonChangePercent()).isLessThanOrEqualTo(0);
    for (double b : budgets) {
      Result perJob = ex.measure(Contenders.oracle(b), false);
      assertThat(Frontier.carbonAt(hull, perJob.timeChangePercent()))
          .as("per-job oracle at %s %%", b).isLessThanOrEqualTo(perJob.carbonChangePercent() + 1e-9);
    }
    // And below every policy here: Chase at eta 0.9 throttles every dirty hour (+12.5 %), where
    // the team oracle spends that time where it saves most, partly on clean days' jobs.
    List<Contender> policies = new ArrayList<>(Contenders.sweep("chase", sim.options()));
    policies.addAll(List.of(Contenders.forecast(10, ForecastSettings.BudgetScope.TEAM), Contenders.forecast(10)));
    for (Contender c : policies) {
      Result r = ex.measure(c, false);
      assertThat(Frontier.carbonAt(hull, r.timeChangePercent())).as(c.knob())
          .isLessThanOrEqualTo(r.carbonChangePercent() + 1e-9);
    }
  }

  @Test
  void aTraceWithAGapIsRejected() {
    List<CarbonTrace.Slot> slots = new ArrayList<>(hourly(3, h -> 100).slots());
    Instant late = T0.plusSeconds(6 * 3600);
    slots.add(new CarbonTrace.Slot(late, late.plusSeconds(3600), CarbonIntensity.gramsPerKwh(100), false));
    assertThatThrownBy(() -> Simulator.create(CarbonTrace.of("test", slots), GPU, PROFILE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gap");
  }

  @Test
  void aProfileThatDoesNotCoverTheGpusLimitsIsRejected() {
    PowerProfile narrow = PowerProfile.of("narrow", List.of(TestWorld.point(150, 2, 100), TestWorld.point(250, 1, 200)));
    assertThatThrownBy(() -> Simulator.create(hourly(3, h -> 100), GPU, narrow))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("profile narrow measures 150 W to 250 W")
        .hasMessageContaining("[100 W, 300 W]");
  }

  @Test
  void aJobOutsideTheTraceIsRejected() {
    Simulator sim = Simulator.create(hourly(2, h -> 100), GPU, PROFILE);
    assertThatThrownBy(() -> sim.run(Policies.fullSpeed(), T0.minusSeconds(1), 10))
        .hasMessageContaining("outside the trace");
    assertThatThrownBy(() -> sim.run(Policies.fullSpeed(), T0, 100_000))
        .hasMessageContaining("runs past the end of the trace");
    assertThatThrownBy(() -> sim.oracle(T0, 100_000, T0.plusSeconds(7200)))
        .hasMessageContaining("no schedule finishes");
  }
}
