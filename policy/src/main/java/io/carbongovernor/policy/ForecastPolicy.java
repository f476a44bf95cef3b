package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Spends a slowdown budget on the dirtiest expected slots. With a per-job budget, every tick it
 * re-plans the time left: with a known job, up to the job's deadline (start plus its full-speed
 * time times one plus the budget) the work left, trying each slot boundary from the earliest
 * possible finish to the deadline as the finish and keeping the plan of least expected carbon;
 * without one, a horizon over which at most the budget's share of throughput is given up. It
 * applies the plan's first slot. With a team's budget it prices time instead ({@link TimePrice}), calibrated on the
 * history and forecast passed in, so that the budget holds on average over many jobs; never below
 * the price the same budget takes over the longer floor window, so that a season cleaner than
 * the year is not slowed more cheaply than the year's price allows. Once the history covers the
 * whole floor window, that window's price alone: steady all year, as Chase's is.
 *
 * <p>Expected intensities: the current signal, then the forecast, then {@link HistoryForecaster}
 * on the history passed in, then the last signal held flat.
 */
final class ForecastPolicy implements Policy {

  private final ForecastSettings settings;
  private final HistoryForecaster forecaster;
  /**
   * A team's window as last seen, sorted: the next tick's window is usually the same one slot on,
   * so sorting it anew is a removal and an insertion. Only speeds things up; decisions are the
   * same. Guarded by itself.
   */
  private final SortedWindow seen = new SortedWindow();
  /** The floor window as last seen, sorted, as {@link #seen}. Guarded by {@link #seen}. */
  private final SortedWindow floorSeen = new SortedWindow();

  /** How far short of the floor window's start the history may begin and still cover it. */
  private static final Duration KNOWN_WITHIN = Duration.ofDays(1);

  ForecastPolicy(ForecastSettings settings, HistoryForecaster forecaster) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.forecaster = Objects.requireNonNull(forecaster, "forecaster");
  }

  /** The history forecaster reaches a week and a day back; a team's price its window and its floor's. */
  @Override
  public Duration historyNeeded() {
    Duration forecasts = Duration.ofDays(8);
    if (settings.scope() != ForecastSettings.BudgetScope.TEAM) {
      return forecasts;
    }
    Duration team = settings.hasFloor() ? settings.floorWindow() : settings.window();
    return team.compareTo(forecasts) > 0 ? team : forecasts;
  }

  @Override
  public String kind() {
    return "forecast";
  }

  /** A per-job budget binds each job; a team's budget holds each known job within its ceiling. */
  @Override
  public OptionalDouble jobSlowdownBound() {
    return OptionalDouble.of(settings.scope() == ForecastSettings.BudgetScope.JOB ? settings.budget() : settings.jobCeiling());
  }

  @Override
  public Decision decide(PolicyInput input) {
    List<LimitDecision> limits = new ArrayList<>();
    for (GpuState gpu : input.gpus()) {
      limits.add(decide(input, gpu));
    }
    return new Decision(kind(), limits, OptionalInt.empty());
  }

  private LimitDecision decide(PolicyInput input, GpuState gpu) {
    if (gpu.profile().isEmpty()) {
      return fullSpeed(gpu, "no workload profile");
    }
    LimitOptions options = LimitOptions.of(gpu, gpu.profile().get());
    if (settings.scope() == ForecastSettings.BudgetScope.TEAM) {
      return priced(input, gpu, options);
    }
    BudgetPlanner planner = new BudgetPlanner(options);
    Instant now = input.now();
    double fullRate = options.epochsPerSecond(options.fullSpeed());
    double fastest = options.epochsPerSecond(planner.fastest());

    Instant windowEnd;
    double epochs;
    boolean finishMatters;
    if (input.job().isPresent()) {
      JobProgress job = input.job().get();
      double fullSeconds = job.totalEpochs() / fullRate;
      Instant deadline = job.start().plusNanos(Math.round(fullSeconds * (1 + settings.budget()) * 1e9));
      double left = Duration.between(now, deadline).toNanos() / 1e9;
      if (left <= 0) {
        return fullSpeed(gpu, "past the job's deadline");
      }
      double horizon = settings.horizon().toSeconds();
      if (left > horizon) {
        windowEnd = now.plusSeconds((long) horizon);
        epochs = job.remainingEpochs() * horizon / left;
        finishMatters = false;
      } else {
        windowEnd = deadline;
        epochs = job.remainingEpochs();
        finishMatters = true;
      }
    } else {
      windowEnd = now.plus(settings.horizon());
      epochs = settings.horizon().toSeconds() * fullRate / (1 + settings.budget());
      finishMatters = false;
    }

    Pieces pieces = pieces(input, windowEnd);
    if (pieces == null) {
      return fullSpeed(gpu, "no intensity known");
    }
    int n = pieces.count;
    int[] chosen = new int[n];
    int[] best = new int[n];
    int bestSlots = n;
    double bestCarbon = Double.POSITIVE_INFINITY;
    if (!finishMatters) {
      planner.plan(pieces.seconds, pieces.intensity, n, epochs, best);
    } else {
      // The job may finish before the deadline: try each slot boundary from the earliest finish.
      double earliest = epochs / fastest;
      double elapsed = 0;
      for (int k = 1; k <= n; k++) {
        elapsed += pieces.seconds[k - 1];
        if (elapsed + 1e-9 < earliest && k < n) {
          continue;
        }
        planner.plan(pieces.seconds, pieces.intensity, k, epochs, chosen);
        double carbon = carbon(options, pieces, chosen, k, epochs);
        if (carbon < bestCarbon) {
          bestCarbon = carbon;
          bestSlots = k;
          System.arraycopy(chosen, 0, best, 0, k);
        }
      }
    }
    Power target = options.limit(best[0]);
    String reason =
        String.format(
            Locale.ROOT,
            "forecast: budget %.1f%%, plan of %d slot(s) to %s, now %.0f g/kWh -> %s",
            settings.budget() * 100,
            finishMatters ? bestSlots : n,
            windowEnd,
            pieces.intensity[0],
            target);
    return new LimitDecision(gpu.gpu(), target, reason);
  }

  /**
   * The team's budget: the price of time that spends it over the slots seen and forecast, applied
   * to the slot now.
   */
  private LimitDecision priced(PolicyInput input, GpuState gpu, LimitOptions options) {
    Optional<TeamPrice> team = teamPrice(input, options);
    if (team.isEmpty()) {
      return fullSpeed(gpu, "no intensity known");
    }
    double price = team.get().gramsPerSecond();
    double current = team.get().current();
    int choice = options.indexOf(team.get().target());
    int bounded = input.job().isPresent() ? withinCeiling(input, options, input.job().get(), choice) : choice;
    Power target = options.limit(bounded);
    String reason =
        String.format(
            Locale.ROOT,
            "forecast: team budget %.1f%%, time priced at %.1f g/h over %d slot(s) seen and forecast%s,"
                + " now %.0f g/kWh -> %s%s",
            settings.budget() * 100,
            price * 3600,
            team.get().slots(),
            basisWords(team.get().basis()),
            current,
            target,
            bounded == choice ? "" : String.format(Locale.ROOT, " (the job's ceiling of %.1f%% holds it faster)",
                settings.jobCeiling() * 100));
    return new LimitDecision(gpu.gpu(), target, reason);
  }

  private String basisWords(Basis basis) {
    return switch (basis) {
      case WINDOW -> "";
      case FLOOR -> " (the floor: the price over the last " + settings.floorWindow().toDays() + " days)";
      case FLOOR_WINDOW_KNOWN -> " (the last " + settings.floorWindow().toDays() + " days, all of them known)";
    };
  }

  /**
   * {@code choice}, or the slowest faster option that keeps the job within its ceiling: after
   * the current slot at that option, the work left must still fit at full speed before the job's
   * start plus its full-speed time times one plus the ceiling. Full speed once it no longer fits.
   */
  private int withinCeiling(PolicyInput input, LimitOptions options, JobProgress job, int choice) {
    double fullRate = options.epochsPerSecond(options.fullSpeed());
    double fullSeconds = job.totalEpochs() / fullRate;
    Instant ceiling = job.start().plusNanos(Math.round(fullSeconds * (1 + settings.jobCeiling()) * 1e9));
    double slack = Duration.between(input.now(), ceiling).toNanos() / 1e9 - job.remainingEpochs() / fullRate;
    Duration slot = slotLength(input);
    if (input.signal().isPresent() && input.signal().get().covers(input.now())) {
      slot = Duration.between(input.now(), input.signal().get().end());
    }
    double seconds = slot.toNanos() / 1e9;
    int option = choice;
    while (option != options.fullSpeed() && seconds * (1 - options.epochsPerSecond(option) / fullRate) > slack) {
      option = faster(options, option);
    }
    return option;
  }

  /** The slowest option faster than {@code option}; full speed at the latest. */
  private static int faster(LimitOptions options, int option) {
    int next = options.fullSpeed();
    for (int i = 0; i < options.size(); i++) {
      double rate = options.epochsPerSecond(i);
      if (rate > options.epochsPerSecond(option) && rate < options.epochsPerSecond(next)) {
        next = i;
      }
    }
    return next;
  }

  /** What set a team's price. */
  enum Basis {
    /** The budget window's price, at or above the floor window's. */
    WINDOW,
    /** The floor window's price, above the budget window's. */
    FLOOR,
    /** The floor window's alone: the history covers all of it. */
    FLOOR_WINDOW_KNOWN
  }

  /**
   * A team's price of time for {@code input}.
   *
   * @param gramsPerSecond the price
   * @param current the slot now's expected intensity, g/kWh
   * @param slots the slots seen and forecast it was calibrated on, the slot now among them
   * @param target the limit it chooses for the slot now
   * @param basis which window's price it is
   */
  record TeamPrice(double gramsPerSecond, double current, int slots, Power target, Basis basis) {}

  /**
   * The price of time that spends the team's budget over the window seen, the slot now and the
   * forecast after it; empty when the slot now has no expected intensity.
   */
  Optional<TeamPrice> teamPrice(PolicyInput input, LimitOptions options) {
    Instant now = input.now();
    OptionalDouble current = expected(input, now);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    Instant until = now.plus(settings.horizon());
    List<CarbonSignal> window = CarbonSignal.startingFrom(input.history(), now.minus(settings.window()));
    List<CarbonSignal> later = new ArrayList<>();
    for (CarbonSignal s : input.forecast()) {
      if (s.start().isAfter(now) && s.start().isBefore(until)) {
        later.add(s);
      }
    }
    // Slots count by their length: one source's half-hours beside another's hours, or five-minute
    // slots beside hours, must not weigh double or twelvefold. Each slot stands as that many copies
    // of the shortest length among them; slots of one length (the usual case) once each.
    long nowSeconds = slotLength(input).toSeconds();
    long shortest = nowSeconds;
    for (CarbonSignal s : later) {
      shortest = Math.min(shortest, SortedWindow.seconds(s));
    }
    TimePrice pricing = new TimePrice(options);
    double price;
    Basis basis = Basis.WINDOW;
    int slots = window.size() + 1 + later.size();
    List<CarbonSignal> longer = settings.hasFloor()
        ? CarbonSignal.startingFrom(input.history(), now.minus(settings.floorWindow()))
        : window;
    boolean known = floorWindowKnown(longer, now);
    synchronized (seen) {
      double[] ahead = null;
      long unit = 0;
      if (known) {
        // Every season of the floor window is known: its price alone, steady as Chase's (no
        // window's price, so the floor's below is taken).
        price = Double.NEGATIVE_INFINITY;
      } else {
        seen.advanceTo(window, shortest);
        unit = seen.unit();
        ahead = sortedAhead(later, unit, nowSeconds, current.getAsDouble());
        price = pricing.calibrate(seen.sorted(), seen.size(), ahead, settings.budget());
      }
      // The floor: the same calibration over the longer window, where it holds more than the window.
      if (known || longer.size() > window.size()) {
        floorSeen.advanceTo(longer, shortest);
        long floorUnit = floorSeen.unit();
        double[] floorAhead = ahead != null && floorUnit == unit ? ahead : sortedAhead(later, floorUnit, nowSeconds, current.getAsDouble());
        double floor = pricing.calibrate(floorSeen.sorted(), floorSeen.size(), floorAhead, settings.budget());
        if (floor > price) {
          price = floor;
          basis = known ? Basis.FLOOR_WINDOW_KNOWN : Basis.FLOOR;
          slots = longer.size() + 1 + later.size();
        }
      }
    }
    Power target = options.limit(pricing.choose(current.getAsDouble(), price));
    return Optional.of(new TeamPrice(price, current.getAsDouble(), slots, target, basis));
  }

  /**
   * Whether the history reaches back over the whole floor window, within a day of its start (a
   * daemon's oldest slot starts up to a slot after it, later where it was down then): then the
   * floor window alone prices time. Before that, the floor window's price is learned on the
   * seasons seen so far, and the budget window's guards against the seasons not yet seen.
   */
  private boolean floorWindowKnown(List<CarbonSignal> longer, Instant now) {
    return settings.hasFloor()
        && !longer.isEmpty()
        && !longer.get(0).start().isAfter(now.minus(settings.floorWindow()).plus(KNOWN_WITHIN));
  }

  /**
   * The slots' intensities in order, each as many times as its length holds {@code unit}, then
   * {@code copies} of {@code last}.
   */
  private static double[] expanded(List<CarbonSignal> slots, long unit, int copies, double last) {
    int total = copies;
    for (CarbonSignal s : slots) {
      total += SortedWindow.copies(SortedWindow.seconds(s), unit);
    }
    double[] values = new double[total];
    int k = 0;
    for (CarbonSignal s : slots) {
      double v = s.intensity().gramsPerKwh();
      for (int c = SortedWindow.copies(SortedWindow.seconds(s), unit); c > 0; c--) {
        values[k++] = v;
      }
    }
    Arrays.fill(values, k, total, last);
    return values;
  }

  /** The slot now and the forecast after it in units of {@code unit} seconds, sorted. */
  private static double[] sortedAhead(List<CarbonSignal> later, long unit, long nowSeconds, double current) {
    double[] values = expanded(later, unit, SortedWindow.copies(nowSeconds, unit), current);
    Arrays.sort(values);
    return values;
  }

  /** Expected grams of a plan, the job stopping once the work is done. */
  private static double carbon(LimitOptions options, Pieces pieces, int[] chosen, int slots, double epochs) {
    double left = epochs;
    double grams = 0;
    for (int i = 0; i < slots && left > 0; i++) {
      double rate = options.epochsPerSecond(chosen[i]);
      double seconds = Math.min(pieces.seconds[i], left / rate);
      left -= seconds * rate;
      grams += options.watts(chosen[i]) * seconds / 3.6e6 * pieces.intensity[i];
    }
    return left > 1e-9 * epochs ? Double.POSITIVE_INFINITY : grams;
  }

  private record Pieces(double[] seconds, double[] intensity, int count) {}

  /** The window {@code [now, end)} cut at slot boundaries, each piece with its expected intensity. */
  private Pieces pieces(PolicyInput input, Instant end) {
    Instant now = input.now();
    Duration slot = slotLength(input);
    Instant firstEnd = now.plus(slot);
    if (input.signal().isPresent() && input.signal().get().covers(now)) {
      firstEnd = input.signal().get().end();
    } else {
      for (CarbonSignal s : input.forecast()) {
        if (s.covers(now)) {
          firstEnd = s.end();
          break;
        }
      }
    }
    List<Instant> starts = new ArrayList<>();
    List<Double> lengths = new ArrayList<>();
    Instant t = now;
    Instant next = firstEnd.isAfter(end) ? end : firstEnd;
    while (t.isBefore(end)) {
      starts.add(t);
      lengths.add(Duration.between(t, next).toNanos() / 1e9);
      t = next;
      next = t.plus(slot);
      if (next.isAfter(end)) {
        next = end;
      }
    }
    int n = starts.size();
    double[] seconds = new double[n];
    double[] intensity = new double[n];
    for (int i = 0; i < n; i++) {
      OptionalDouble v = expected(input, starts.get(i));
      if (v.isEmpty()) {
        return null;
      }
      seconds[i] = lengths.get(i);
      intensity[i] = v.getAsDouble();
    }
    return n == 0 ? null : new Pieces(seconds, intensity, n);
  }

  private OptionalDouble expected(PolicyInput input, Instant at) {
    if (input.signal().isPresent() && input.signal().get().covers(at)) {
      return OptionalDouble.of(input.signal().get().intensity().gramsPerKwh());
    }
    int i = HistoryForecaster.indexCovering(input.forecast(), at);
    if (i >= 0) {
      return OptionalDouble.of(input.forecast().get(i).intensity().gramsPerKwh());
    }
    OptionalDouble predicted = forecaster.predict(input.history(), input.now(), at);
    if (predicted.isPresent()) {
      return predicted;
    }
    return input.signal().isPresent()
        ? OptionalDouble.of(input.signal().get().intensity().gramsPerKwh())
        : OptionalDouble.empty();
  }

  private static Duration slotLength(PolicyInput input) {
    if (input.signal().isPresent()) {
      return input.signal().get().length();
    }
    if (!input.forecast().isEmpty()) {
      return input.forecast().get(0).length();
    }
    if (!input.history().isEmpty()) {
      return input.history().get(input.history().size() - 1).length();
    }
    return Duration.ofHours(1);
  }

  private static LimitDecision fullSpeed(GpuState gpu, String why) {
    return new LimitDecision(gpu.gpu(), gpu.originalLimit(), "forecast: " + why + "; full speed");
  }
}
