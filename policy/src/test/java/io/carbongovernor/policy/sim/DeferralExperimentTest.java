package io.carbongovernor.policy.sim;

import static io.carbongovernor.policy.TestWorld.GPU;
import static io.carbongovernor.policy.TestWorld.PROFILE;
import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.policy.LimitOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DeferralExperimentTest {

  /**
   * Every start (the arrival, each slot boundary after it) and every limit per slot, the job
   * stopping once its work is done, finishing within {@code maxRun} of its start and by the
   * deadline: the least grams.
   */
  private static double bruteForce(double[] intensity, Instant arrival, Instant deadline, double epochs,
      double maxRun, LimitOptions options) {
    double best = Double.POSITIVE_INFINITY;
    double arrive = seconds(arrival);
    double due = seconds(deadline);
    int m = options.size();
    for (int first = (int) (arrive / 3600); first < intensity.length; first++) {
      double start = Math.max(arrive, first * 3600.0);
      if (start >= due) {
        break;
      }
      double end = Math.min(due, start + maxRun);
      int n = intensity.length - first;
      long total = (long) Math.pow(m, n);
      for (long code = 0; code < total; code++) {
        long x = code;
        double t = start;
        double done = 0;
        double grams = 0;
        boolean finished = false;
        for (int k = first; k < intensity.length && !finished && t < end; k++) {
          int l = (int) (x % m);
          x /= m;
          double rate = options.epochsPerSecond(l);
          double secs = Math.min((k + 1) * 3600.0, end) - t;
          if (done + secs * rate >= epochs * (1 - 1e-12)) {
            secs = (epochs - done) / rate;
            finished = true;
          }
          done += secs * rate;
          grams += options.watts(l) * secs / 3.6e6 * intensity[k];
          t += secs;
        }
        if (finished) {
          best = Math.min(best, grams);
        }
      }
    }
    return best;
  }

  private static double seconds(Instant t) {
    return Duration.between(T0, t).toNanos() / 1e9;
  }

  @Test
  void jointOracleMatchesExhaustiveSearchOverStartsAndLimits() {
    Random random = new Random(20261207L);
    int feasible = 0;
    for (int trial = 0; trial < 150; trial++) {
      int hours = 3 + random.nextInt(5);
      double[] v = new double[hours];
      for (int i = 0; i < hours; i++) {
        v[i] = random.nextInt(5) == 0 ? 0 : 20 + random.nextDouble() * 700;
      }
      Simulator sim = Simulator.create(SimulatorTest.hourly(hours, h -> v[h]), GPU, PROFILE);
      Instant arrival = T0.plusSeconds(random.nextInt(3600));
      // Full speed is 1 epoch/s: from half an hour to a little over three.
      double epochs = 1800 + random.nextInt(3 * 3600);
      Instant deadline = T0.plusSeconds(hours * 3600L - random.nextInt(1800));
      double maxRun = epochs * (1 + random.nextDouble() * 0.8);
      double expected = bruteForce(v, arrival, deadline, epochs, maxRun, sim.options());
      Optional<JobOutcome> got = sim.jointOracle(arrival, epochs, deadline, maxRun);
      if (Double.isInfinite(expected)) {
        assertThat(got).as("trial %d", trial).isEmpty();
        continue;
      }
      feasible++;
      assertThat(got).as("trial %d", trial).isPresent();
      assertThat(got.get().grams()).as("trial %d", trial).isCloseTo(expected, offset(1e-9 * Math.max(1, expected)));
      assertThat(got.get().finish()).isBeforeOrEqualTo(deadline.plusNanos(1000));
      assertThat(got.get().start()).isAfterOrEqualTo(arrival);
    }
    assertThat(feasible).as("most instances have a schedule").isGreaterThan(80);
  }

  /** Days at 400 g/kWh with a clean window from 10:00 to 18:00 at 50. */
  private static CarbonTrace dailyWindow(int days) {
    return SimulatorTest.hourly(days * 24, h -> h % 24 >= 10 && h % 24 < 18 ? 50 : 400);
  }

  @Test
  void deferStartsAtTheKnownBestWindowAndReachesTheOracle() {
    Simulator sim = Simulator.create(dailyWindow(4), GPU, PROFILE).withPerfectForecast(Duration.ofHours(48));
    double epochs = 6 * 3600; // 6 h at full speed
    List<Instant> arrivals = List.of(T0.plus(Duration.ofHours(1)), T0.plus(Duration.ofHours(26)));
    DeferralExperiment ex = DeferralExperiment.of(sim, arrivals, epochs, Duration.ofHours(18), Duration.ofMinutes(15));
    assertThat(ex.plannedStart(DeferContender.deferOnly(), arrivals.get(0))).isEqualTo(T0.plus(Duration.ofHours(10)));
    assertThat(ex.plannedStart(DeferContender.deferOnly(), arrivals.get(1))).isEqualTo(T0.plus(Duration.ofHours(34)));
    List<DeferResult> results = ex.measure(DeferContender.all(5), DeferContender.oracle(5));
    DeferResult now = results.get(0);
    DeferResult defer = results.get(1);
    assertThat(now.contender().name()).isEqualTo("run-now");
    assertThat(now.carbonChangePercent()).isZero();
    // 6 h at 50 instead of 400 (hour 1-7) and 50 (hour 2-8 of day 2 at 400): -87.5 %.
    assertThat(defer.carbonChangePercent()).isCloseTo(-87.5, offset(1e-6));
    DeferResult both = results.get(3);
    assertThat(both.contender().name()).isEqualTo("defer+forecast");
    assertThat(both.oracleShare()).isGreaterThan(0.99);
    for (DeferResult r : results) {
      assertThat(r.lateStarts()).as(r.contender().name()).isZero();
      assertThat(r.missedDeadlines()).as(r.contender().name()).isZero();
    }
  }

  @Test
  void noJobStartsAfterItsLatestStartOrMissesItsDeadlineOnRandomTraces() {
    Random random = new Random(7L);
    for (int trial = 0; trial < 12; trial++) {
      double[] v = new double[24 * 12];
      for (int i = 0; i < v.length; i++) {
        v[i] = random.nextDouble() * 800;
      }
      Simulator sim = Simulator.create(SimulatorTest.hourly(v.length, h -> v[h]), GPU, PROFILE);
      if (random.nextBoolean()) {
        sim = sim.withPerfectForecast(Duration.ofHours(random.nextInt(48) + 1));
      }
      double epochs = 3600 * (1 + random.nextInt(8)) + random.nextInt(3600);
      Duration slack = Duration.ofMinutes(random.nextInt(24 * 60));
      List<Instant> arrivals = DeferralExperiment.arrivals(sim, T0.plus(Duration.ofDays(8)).plusSeconds(random.nextInt(3600)),
          Duration.ofMinutes(317), Duration.ofDays(3), epochs, slack);
      DeferralExperiment ex = DeferralExperiment.of(sim, arrivals, epochs, slack, Duration.ofMinutes(random.nextInt(30)));
      for (DeferResult r : ex.measure(DeferContender.all(1 + random.nextInt(20)), DeferContender.oracle(5))) {
        assertThat(r.lateStarts()).as("trial %d %s", trial, r.contender().name()).isZero();
        assertThat(r.missedDeadlines()).as("trial %d %s", trial, r.contender().name()).isZero();
      }
    }
  }

  @Test
  void withLessSlackThanTheBudgetThePolicyIsHeldToTheDeadline() {
    // A budget of 20 % of 6 h is 72 min, but the job has 10 min of slack: it starts at once, and
    // forecast may spend only what is left before the deadline.
    Simulator sim = Simulator.create(SimulatorTest.hourly(48, h -> h % 2 == 0 ? 900 : 10), GPU, PROFILE);
    DeferralExperiment ex = DeferralExperiment.of(sim, List.of(T0, T0.plus(Duration.ofHours(7))), 6 * 3600,
        Duration.ofMinutes(10), Duration.ofMinutes(15));
    for (DeferResult r : ex.measure(DeferContender.all(20), DeferContender.oracle(20))) {
      assertThat(r.missedDeadlines()).as(r.contender().name()).isZero();
      assertThat(r.lateStarts()).as(r.contender().name()).isZero();
    }
  }

  @Test
  void aDeadlinePastTheTraceIsRefused() {
    Simulator sim = Simulator.create(dailyWindow(1), GPU, PROFILE);
    assertThatThrownBy(() -> DeferralExperiment.of(sim, List.of(T0), 6 * 3600, Duration.ofHours(19), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("past the end of the trace");
  }
}
