package io.carbongovernor.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A team's price replayed over bundled traces and checked at every slot against a reference that
 * reads the window afresh each time: every slot seen, the slot now and the forecast in one array,
 * each slot as many times as its length holds the unit, sorted from scratch, and the price by
 * bisection over the whole array. The policy carries its sorted window from one decision to the
 * next and searches only between the counts at the bisection's ends; its price must be the same
 * double, and so its limit the same.
 */
class TeamPriceReplayTest {

  // Surefire runs in the module's directory.
  private static final Path TRACES = Path.of("../traces");

  @Test
  void aYearOfCaliforniaWithTheDefaultWindow() throws IOException {
    CarbonTrace year = CarbonTrace.read(TRACES.resolve("US-CAL-CISO_2023_hourly.csv"));
    Simulator sim = Simulator.create(year, gpu("a40", 300), ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256));
    ForecastSettings team = ForecastSettings.percent(5).withScope(ForecastSettings.BudgetScope.TEAM);
    // From day 8, a day's work every day: about 8,700 decisions, each job a slot or two back from
    // where the one before ended.
    assertThat(replay(sim, team, Duration.ofDays(8), Duration.ofDays(366))).isGreaterThan(8_000);
  }

  @Test
  void aYearLongWindowOverAYearOfHistoryWithGapsAndAForecast() throws IOException {
    ForecastSettings team = ForecastSettings.percent(10).withScope(ForecastSettings.BudgetScope.TEAM)
        .withWindow(ForecastSettings.MAX_WINDOW);
    assertThat(replay(britainAfterAYearWithGaps(), team, Duration.ZERO, Duration.ofDays(12))).isGreaterThan(280);
  }

  @Test
  void theDefaultWindowsOverAYearOfHistoryWithGapsPriceByTheFloorWindowAlone() throws IOException {
    ForecastSettings team = ForecastSettings.percent(5).withScope(ForecastSettings.BudgetScope.TEAM);
    assertThat(replay(britainAfterAYearWithGaps(), team, Duration.ZERO, Duration.ofDays(12))).isGreaterThan(280);
  }

  /**
   * Britain's 2023 with the year before as history: the same hours a year earlier, every 500th
   * merged with the next into a two-hour slot (as a gap in a history leaves one), so those slots
   * count twice; a perfect forecast of 48 hours.
   */
  private static Simulator britainAfterAYearWithGaps() throws IOException {
    CarbonTrace year = CarbonTrace.read(TRACES.resolve("GB_2023_hourly.csv"));
    List<CarbonTrace.Slot> before = new ArrayList<>();
    List<CarbonTrace.Slot> slots = year.slots();
    Duration back = Duration.ofDays(365);
    for (int i = 0; i < slots.size(); i++) {
      CarbonTrace.Slot s = slots.get(i);
      Instant end = i % 500 == 499 && i + 1 < slots.size() ? slots.get(++i).end() : s.end();
      before.add(new CarbonTrace.Slot(s.start().minus(back), end.minus(back), s.intensity(), false));
    }
    return Simulator.create(year, gpu("v100", 250), ZeusProfiles.bundled("v100").profile("imagenet/resnet50", 256))
        .withHistory(CarbonTrace.of("GB", before))
        .withPerfectForecast(Duration.ofHours(48));
  }

  @Test
  void fiveMinuteSlotsInTheWindowWeighEveryHourTwelveTimesUntilTheyLeave() throws IOException {
    CarbonTrace year = CarbonTrace.read(TRACES.resolve("DE-LU_2023_hourly.csv"));
    // The year before: the same hours a year earlier, three of its last 20 days' hours cut into 5
    // and 55 minutes. While one is in the 20-day window, the unit is 5 minutes and each hour
    // stands as 12 values; once the last has left, one again.
    List<CarbonTrace.Slot> before = new ArrayList<>();
    List<CarbonTrace.Slot> slots = year.slots();
    Duration back = Duration.ofDays(365);
    for (int i = 0; i < slots.size(); i++) {
      CarbonTrace.Slot s = slots.get(i);
      Instant start = s.start().minus(back);
      Instant end = s.end().minus(back);
      int hoursLeft = slots.size() - i;
      if (hoursLeft == 24 * 3 + 5 || hoursLeft == 24 * 9 + 13 || hoursLeft == 24 * 17) {
        before.add(new CarbonTrace.Slot(start, start.plusSeconds(300), s.intensity(), false));
        before.add(new CarbonTrace.Slot(start.plusSeconds(300), end, s.intensity(), false));
      } else {
        before.add(new CarbonTrace.Slot(start, end, s.intensity(), false));
      }
    }
    Simulator sim = Simulator.create(year, gpu("a40", 300), ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256))
        .withHistory(CarbonTrace.of("DE", before));
    // No floor: with a year of history the floor window alone would price time, and the 20 days
    // would not be read.
    ForecastSettings team = ForecastSettings.percent(5).withScope(ForecastSettings.BudgetScope.TEAM)
        .withWindow(Duration.ofDays(20)).withFloorWindow(Duration.ofDays(20));
    assertThat(replay(sim, team, Duration.ZERO, Duration.ofDays(30))).isGreaterThan(700);
  }

  private static Gpu gpu(String family, int maxWatts) {
    PowerConstraints limits = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(maxWatts));
    return new Gpu(0, "SIM", family, limits, limits.max());
  }

  /** Replays a day's work a day from {@code from} in for {@code span}; the decisions checked. */
  private static int replay(Simulator sim, ForecastSettings settings, Duration from, Duration span) {
    double epochs = Math.ceil(Duration.ofHours(24).toSeconds() / sim.fullSpeedSeconds(1));
    Checked checked = new Checked((ForecastPolicy) Policies.forecast(settings), settings);
    for (Instant start : Experiment.starts(sim, sim.traceStart().plus(from), Duration.ofDays(1), span, epochs)) {
      sim.run(checked, start, epochs);
    }
    return checked.decisions;
  }

  /** The policy, its price checked against {@link #reference} before every decision. */
  private static final class Checked implements Policy {
    private final ForecastPolicy policy;
    private final ForecastSettings settings;
    int decisions;

    Checked(ForecastPolicy policy, ForecastSettings settings) {
      this.policy = policy;
      this.settings = settings;
    }

    @Override
    public String kind() {
      return policy.kind();
    }

    @Override
    public Duration historyNeeded() {
      return policy.historyNeeded();
    }

    @Override
    public Decision decide(PolicyInput input) {
      GpuState gpu = input.gpus().get(0);
      LimitOptions options = LimitOptions.of(gpu, gpu.profile().orElseThrow());
      ForecastPolicy.TeamPrice team = policy.teamPrice(input, options).orElseThrow();
      Reference expected = reference(input, settings, options);
      assertThat(team.gramsPerSecond()).as("price at %s", input.now()).isEqualTo(expected.price());
      assertThat(team.slots()).as("slots at %s", input.now()).isEqualTo(expected.slots());
      Power limit = options.limit(new TimePrice(options).choose(expected.current(), expected.price()));
      assertThat(team.target()).as("limit at %s", input.now()).isEqualTo(limit);
      // The decision itself, from the window just seen (as for a second GPU).
      Decision decision = policy.decide(input);
      assertThat(decision.limits().get(0).target()).as("decision at %s", input.now()).isEqualTo(limit);
      decisions++;
      return decision;
    }
  }

  private record Reference(double price, double current, int slots) {}

  /**
   * The price read the obvious way: every value of the window and forecast, sorted, bisected; the
   * same over the floor's window, and the higher of the two; the floor window's alone where the
   * history reaches back over all of it but at most a day.
   */
  private static Reference reference(PolicyInput input, ForecastSettings settings, LimitOptions options) {
    Reference window = reference(input, settings, options, settings.window());
    if (!settings.hasFloor()) {
      return window;
    }
    Reference floor = reference(input, settings, options, settings.floorWindow());
    Instant floorStart = input.now().minus(settings.floorWindow());
    Instant oldest = input.history().stream().map(CarbonSignal::start).filter(t -> !t.isBefore(floorStart))
        .findFirst().orElse(Instant.MAX);
    if (!oldest.isAfter(floorStart.plus(Duration.ofDays(1)))) {
      return floor;
    }
    return floor.price() > window.price() ? floor : window;
  }

  private static Reference reference(PolicyInput input, ForecastSettings settings, LimitOptions options, Duration span) {
    Instant now = input.now();
    CarbonSignal signal = input.signal().orElseThrow();
    List<CarbonSignal> seen = new ArrayList<>();
    for (CarbonSignal s : input.history()) {
      if (!s.start().isBefore(now.minus(span))) {
        seen.add(s);
      }
    }
    for (CarbonSignal s : input.forecast()) {
      if (s.start().isAfter(now) && s.start().isBefore(now.plus(settings.horizon()))) {
        seen.add(s);
      }
    }
    long nowSeconds = signal.length().toSeconds();
    long unit = nowSeconds;
    for (CarbonSignal s : seen) {
      unit = Math.min(unit, seconds(s));
    }
    unit = Math.max(300, unit);
    long count = copies(nowSeconds, unit);
    for (CarbonSignal s : seen) {
      count += copies(seconds(s), unit);
    }
    double[] sorted = new double[Math.toIntExact(count)];
    int k = 0;
    for (CarbonSignal s : seen) {
      for (long c = copies(seconds(s), unit); c > 0; c--) {
        sorted[k++] = s.intensity().gramsPerKwh();
      }
    }
    Arrays.fill(sorted, k, sorted.length, signal.intensity().gramsPerKwh());
    Arrays.sort(sorted);
    TimePrice rule = new TimePrice(options);
    double budget = settings.budget();
    double price;
    if (rule.slowdown(sorted, 0) <= budget) {
      price = 0;
    } else {
      double hi = 1e-6;
      while (rule.slowdown(sorted, hi) > budget && hi < 1e12) {
        hi *= 2;
      }
      double lo = 0;
      for (int i = 0; i < 60; i++) {
        double mid = 0.5 * (lo + hi);
        if (rule.slowdown(sorted, mid) > budget) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      price = hi;
    }
    return new Reference(price, signal.intensity().gramsPerKwh(), seen.size() + 1);
  }

  private static long seconds(CarbonSignal s) {
    return Duration.between(s.start(), s.end()).toSeconds();
  }

  private static long copies(long seconds, long unit) {
    return Math.max(1, Math.round((double) seconds / unit));
  }
}
