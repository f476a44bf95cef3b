package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PowerCap;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A year of hourly slots for one policy: a 24-hour ResNet-50 job on an A40 or a V100 every day of
 * a bundled 2023 trace (355 jobs, about 9,300 policy decisions), as {@code simulate} replays them.
 * The {@code oracle} case solves each job's least-carbon schedule at a 5 % budget instead; the
 * {@code -warm} case has a year before as history: California's 2022 for California, and for a
 * zone with no earlier year here the trace itself a year earlier (what the price reads costs the
 * same whatever the values). Run from the repository root (it reads traces/ and bench/data/).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SimulateYearBenchmark {

  @Param({"full-speed", "static", "chase", "chase-adaptive", "forecast", "forecast-team", "forecast-team-year", "forecast-team-year-warm", "oracle"})
  public String policy;

  @Param({"US-CAL-CISO_2023_hourly", "GB_2023_hourly", "DE-LU_2023_hourly"})
  public String trace;

  @Param({"a40", "v100"})
  public String gpu;

  private Simulator simulator;
  private List<Instant> starts;
  private double epochs;
  private Policy chosen;

  @Setup
  public void setUp() throws IOException {
    CarbonTrace year = CarbonTrace.read(Path.of("traces", trace + ".csv"));
    simulator = Simulator.create(year, PolicyMatrix.gpu(gpu), ZeusProfiles.bundled(gpu).profile("imagenet/resnet50", 256));
    if (policy.endsWith("-warm")) {
      // A year of history before the trace: the team's window is full from the first decision.
      simulator = simulator.withHistory(trace.startsWith("US-CAL-CISO")
          ? CarbonTrace.read(Path.of("bench/data/CISO_2022_eia930_lifecycle.csv"))
          : yearEarlier(year));
    }
    epochs = PolicyMatrix.dayOfWork(simulator);
    starts = PolicyMatrix.dailyStarts(simulator, epochs);
    chosen = switch (policy) {
      case "full-speed", "oracle" -> Policies.fullSpeed();
      case "static" -> Policies.staticCap(PowerCap.fractionOfMax(0.8));
      case "chase" -> Policies.chase(ChaseSettings.DEFAULTS);
      case "chase-adaptive" -> Policies.chase(ChaseSettings.DEFAULTS.withAdaptiveReference(ChaseSettings.DEFAULT_REFERENCE_WINDOW));
      case "forecast" -> Policies.forecast(ForecastSettings.percent(5));
      case "forecast-team" -> Policies.forecast(ForecastSettings.percent(5).withScope(ForecastSettings.BudgetScope.TEAM));
      case "forecast-team-year", "forecast-team-year-warm" -> Policies.forecast(ForecastSettings.percent(5)
          .withScope(ForecastSettings.BudgetScope.TEAM).withWindow(ForecastSettings.MAX_WINDOW));
      default -> throw new IllegalArgumentException(policy);
    };
  }

  /** {@code year}'s slots 365 days earlier: a stand-in for the year before where none is bundled. */
  static CarbonTrace yearEarlier(CarbonTrace year) {
    Duration back = Duration.ofDays(365);
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (CarbonTrace.Slot s : year.slots()) {
      slots.add(new CarbonTrace.Slot(s.start().minus(back), s.end().minus(back), s.intensity(), s.estimated()));
    }
    return CarbonTrace.of(year.zone().orElse("history"), slots);
  }

  @Benchmark
  public double year() {
    double grams = 0;
    if (policy.equals("oracle")) {
      long slack = Math.round(simulator.fullSpeedSeconds(epochs) * 1.05);
      for (Instant s : starts) {
        grams += simulator.oracle(s, epochs, s.plusSeconds(slack)).grams();
      }
      return grams;
    }
    for (Instant s : starts) {
      grams += simulator.run(chosen, s, epochs).grams();
    }
    return grams;
  }
}
