package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.PROFILE;
import static io.carbongovernor.policy.TestWorld.T0;
import static io.carbongovernor.policy.sim.SimulatorTest.hourly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TeamBoundTest {

  private static final double[] PRICES = {0, 2, 5, 10, 20, 35, 50, 80, 120, 200, 400};

  private static Experiment weather() {
    Random random = new Random(11);
    double[] values = new double[24 * 16];
    for (int h = 0; h < values.length; h++) {
      values[h] = 120 + 80 * Math.sin(h * Math.PI / 12) + random.nextDouble() * 300;
    }
    Simulator sim = Simulator.create(hourly(values.length, h -> values[h]), GPU, PROFILE);
    List<Instant> starts = Experiment.starts(sim, T0.plus(Duration.ofDays(8)), Duration.ofHours(11), Duration.ofDays(6), 20_000);
    assertThat(starts).hasSizeGreaterThan(10);
    return Experiment.of(sim, starts, 20_000);
  }

  @Test
  void noPolicyNorTheTeamOracleEmitsLessThanTheBoundAtItsTime() {
    Experiment ex = weather();
    TeamBound bound = ex.teamBound(PRICES);
    List<Result> results = new ArrayList<>();
    for (String name : List.of("static", "chase", "forecast")) {
      for (Contender c : Contenders.sweep(name, ex.simulator().options())) {
        results.add(ex.measure(c, false));
      }
    }
    for (Contender c : Contenders.sweep("forecast", ex.simulator().options(), BudgetScope.TEAM)) {
      results.add(ex.measure(c, false));
    }
    results.addAll(ex.teamOracle(0.25, 1, 2.5, 5, 10, 20, 30));
    for (Result r : results) {
      assertThat(r.carbonChangePercent()).as("%s %s", r.contender().name(), r.contender().knob())
          .isGreaterThanOrEqualTo(bound.carbonChangePercentAt(r.timeChangePercent()) - 1e-9);
    }
  }

  @Test
  void itIsReachedWherePricedSchedulesTakeTheJobs() {
    Experiment ex = weather();
    TeamBound bound = ex.teamBound(PRICES);
    double lastTime = Double.NEGATIVE_INFINITY;
    for (TeamBound.Line line : bound.lines()) {
      Totals reached = line.reached();
      double t = reached.timeChangePercent(ex.fullSpeed());
      assertThat(bound.carbonChangePercentAt(t)).as("price %s", line.gramsPerHour())
          .isCloseTo(reached.carbonChangePercent(ex.fullSpeed()), offset(1e-9));
      // A higher price of time buys less time.
      assertThat(t).isLessThanOrEqualTo(lastTime == Double.NEGATIVE_INFINITY ? Double.MAX_VALUE : lastTime + 1e-9);
      lastTime = t;
    }
    // The prices span the frontier: from the least carbon at any time to nearly full speed.
    double slowest = bound.lines().get(0).reached().timeChangePercent(ex.fullSpeed());
    double fastest = bound.lines().get(bound.lines().size() - 1).reached().timeChangePercent(ex.fullSpeed());
    assertThat(slowest).isGreaterThan(5);
    assertThat(fastest).isLessThan(1);
  }

  @Test
  void aBoundNeedsAPrice() {
    assertThatThrownBy(() -> weather().teamBound()).isInstanceOf(IllegalArgumentException.class);
  }
}
