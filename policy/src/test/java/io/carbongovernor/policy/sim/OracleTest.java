package io.carbongovernor.policy.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.LimitOptions;
import io.carbongovernor.policy.TestWorld;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The oracle against exhaustive search over every schedule on small instances. */
class OracleTest {

  /**
   * Every schedule, one option per slot, the job stopping once its work is done: the least grams
   * plus {@code gramsPerSecond} x seconds to the finish.
   */
  private static double bruteForce(double[] seconds, double[] intensity, LimitOptions options, double epochs,
      double gramsPerSecond) {
    int n = seconds.length;
    int m = options.size();
    int[] digits = new int[n];
    double best = Double.POSITIVE_INFINITY;
    long total = (long) Math.pow(m, n);
    for (long code = 0; code < total; code++) {
      long x = code;
      for (int i = 0; i < n; i++) {
        digits[i] = (int) (x % m);
        x /= m;
      }
      double done = 0;
      double grams = 0;
      double elapsed = 0;
      boolean finished = false;
      for (int i = 0; i < n && !finished; i++) {
        double rate = options.epochsPerSecond(digits[i]);
        double secs = seconds[i];
        if (done + secs * rate >= epochs) {
          secs = (epochs - done) / rate;
          finished = true;
        }
        done += secs * rate;
        elapsed += secs;
        grams += options.watts(digits[i]) * secs / 3.6e6 * intensity[i];
      }
      if (finished) {
        best = Math.min(best, grams + gramsPerSecond * elapsed);
      }
    }
    return best;
  }

  private static LimitOptions randomOptions(Random random, int count) {
    List<PowerProfile.Point> points = new ArrayList<>();
    double epochSeconds = 1 + random.nextDouble() * 3;
    double watts = 80 + random.nextDouble() * 40;
    for (int i = 0; i < count; i++) {
      points.add(TestWorld.point(100 + 50 * i, epochSeconds, watts));
      // Faster and hungrier as the limit rises, with measurement noise that can break the trend.
      epochSeconds *= 0.55 + random.nextDouble() * 0.5;
      watts += random.nextDouble() * 60 - 5;
    }
    Power top = Power.ofWatts(100 + 50 * (count - 1));
    Gpu gpu = new Gpu(0, "GPU-r", "r", new PowerConstraints(Power.ofWatts(100), top), top);
    return LimitOptions.of(gpu, top, PowerProfile.of("random", points));
  }

  /** Up to six slots (the first and last partial), some of them free of carbon, and 2 to 4 limits. */
  private record Instance(double[] seconds, double[] intensity, LimitOptions options) {
    static Instance random(Random random) {
      int n = 1 + random.nextInt(6);
      LimitOptions options = randomOptions(random, 2 + random.nextInt(3));
      double[] seconds = new double[n];
      double[] intensity = new double[n];
      for (int i = 0; i < n; i++) {
        seconds[i] = (i == 0 || i == n - 1) ? 600 + random.nextInt(3000) : 3600;
        intensity[i] = random.nextInt(5) == 0 ? 0 : 20 + random.nextDouble() * 700;
      }
      return new Instance(seconds, intensity, options);
    }

    /** The epochs that all the slots hold at the fastest option. */
    double fitsAtTopSpeed() {
      double fastest = 0;
      for (int l = 0; l < options.size(); l++) {
        fastest = Math.max(fastest, options.epochsPerSecond(l));
      }
      return java.util.Arrays.stream(seconds).sum() * fastest;
    }

    double bruteForce(double epochs, double gramsPerSecond) {
      return OracleTest.bruteForce(seconds, intensity, options, epochs, gramsPerSecond);
    }

    Optional<Oracle.Schedule> solve(double epochs, double gramsPerSecond) {
      return Oracle.solve(seconds, intensity, options, epochs, gramsPerSecond);
    }
  }

  @Test
  void matchesExhaustiveSearchOnRandomSmallInstances() {
    Random random = new Random(20260302L);
    int feasible = 0;
    for (int trial = 0; trial < 400; trial++) {
      Instance x = Instance.random(random);
      // Work from a fifth of what fits at top speed to a little more than fits (infeasible).
      double epochs = x.fitsAtTopSpeed() * (0.2 + random.nextDouble() * 0.85);
      double expected = x.bruteForce(epochs, 0);
      Optional<Oracle.Schedule> got = x.solve(epochs, 0);
      if (Double.isInfinite(expected)) {
        assertThat(got).as("trial %d: no schedule finishes", trial).isEmpty();
      } else {
        feasible++;
        assertThat(got).as("trial %d", trial).isPresent();
        assertThat(got.get().grams()).as("trial %d", trial).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, expected)));
      }
    }
    assertThat(feasible).as("most instances have a schedule").isGreaterThan(250);
  }

  @Test
  void withAPriceOfTimeItMatchesExhaustiveSearchOfCarbonPlusPricedTime() {
    Random random = new Random(20261206L);
    int slowed = 0;
    for (int trial = 0; trial < 300; trial++) {
      Instance x = Instance.random(random);
      double epochs = x.fitsAtTopSpeed() * (0.2 + random.nextDouble() * 0.7);
      // From nothing to about what a second of a top-limit job emits at 700 g/kWh.
      double price = random.nextInt(4) == 0 ? 0 : random.nextDouble() * 0.1;
      double expected = x.bruteForce(epochs, price);
      Optional<Oracle.Schedule> got = x.solve(epochs, price);
      if (Double.isInfinite(expected)) {
        assertThat(got).as("trial %d: no schedule finishes", trial).isEmpty();
        continue;
      }
      Oracle.Schedule s = got.orElseThrow();
      double cost = s.grams() + price * s.seconds();
      assertThat(cost).as("trial %d", trial).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, expected)));
      if (price > 0 && s.grams() > x.bruteForce(epochs, 0) * (1 + 1e-9)) {
        slowed++; // time bought with carbon: the price changed the answer
      }
    }
    assertThat(slowed).as("instances where the price of time changes the schedule").isGreaterThan(30);
  }

  @Test
  void theScheduleItReturnsReproducesItsCarbon() {
    Random random = new Random(7);
    LimitOptions options = randomOptions(random, 4);
    double[] seconds = {3600, 3600, 3600, 3600, 1800};
    double[] intensity = {500, 80, 420, 90, 300};
    double epochs = 14_400 * options.epochsPerSecond(options.fullSpeed()) * 0.9;
    Oracle.Schedule s = Oracle.solve(seconds, intensity, options, epochs).orElseThrow();
    double done = 0;
    double grams = 0;
    double time = 0;
    for (int i = 0; i < s.options().length; i++) {
      double rate = options.epochsPerSecond(s.options()[i]);
      double secs = Math.min(seconds[i], (epochs - done) / rate);
      done += secs * rate;
      time += secs;
      grams += options.watts(s.options()[i]) * secs / 3.6e6 * intensity[i];
    }
    assertThat(done).isCloseTo(epochs, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(grams).isCloseTo(s.grams(), org.assertj.core.data.Offset.offset(1e-9));
    assertThat(time).isCloseTo(s.seconds(), org.assertj.core.data.Offset.offset(1e-6));
  }
}
