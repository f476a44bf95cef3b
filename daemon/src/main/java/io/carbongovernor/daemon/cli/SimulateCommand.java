package io.carbongovernor.daemon.cli;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceColumn;
import io.carbongovernor.carbon.TraceFormatException;
import io.carbongovernor.common.UnsuitableFileException;
import io.carbongovernor.daemon.config.Durations;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ProfileFormatException;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.PowerCap;
import io.carbongovernor.policy.sim.Contender;
import io.carbongovernor.policy.defer.DeferSettings;
import io.carbongovernor.policy.sim.Contenders;
import io.carbongovernor.policy.sim.DeferContender;
import io.carbongovernor.policy.sim.DeferResult;
import io.carbongovernor.policy.sim.DeferralExperiment;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Result;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replays jobs of one workload on a carbon trace under each chosen policy, and compares them with
 * full speed and with the oracle. Bad input files (an empty or gapped trace, a malformed profile
 * or one that does not cover the GPU's limits) exit 78; bad options (an unknown workload, batch
 * size or policy, a start outside the trace) exit 2.
 */
@Command(
    name = "simulate",
    sortOptions = false,
    description = {
      "Replay jobs of one workload on a carbon-intensity trace under each policy.",
      "For each policy: carbon, energy and time against full speed, and the share of the oracle's carbon"
          + " reduction at equal slowdown; then the sweep of each policy's knob with its carbon/time frontier.",
      "On a terminal, a progress bar on standard error shows how far the replay is."
    })
final class SimulateCommand implements Callable<Integer> {

  /** Known GPU families' limit ranges; full speed is the maximum. Others use the profile's range. */
  private static final Map<String, PowerConstraints> FAMILIES =
      Map.of(
          "a40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)),
          "v100", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(250)));

  /** Jobs start after this much trace, so that history forecasters have a week behind them. */
  static final Duration WARM_UP = Duration.ofDays(8);

  @Option(names = "--trace", required = true, paramLabel = "FILE",
      description = "carbon trace: Electricity Maps hourly export or time,value CSV")
  Path trace;

  @Option(names = "--history", paramLabel = "FILE",
      description = "carbon trace of the time before --trace: policies see it as history (a team's price of time, the history forecaster), nothing of it is simulated")
  Path history;

  @Option(names = "--column", paramLabel = "direct|lifecycle",
      description = "which intensity of an Electricity Maps export to read (default direct)")
  String column = "direct";

  @Option(names = "--profile", required = true, paramLabel = "NAME|FILE",
      description = "a bundled profile by name (a40 or v100), or a Zeus summary_power_<gpu>.csv file"
          + " (columns dataset, network, batch_size, optimizer, power_limit, time_per_epoch, average_power)")
  Path profile;

  @Option(names = "--workload", required = true, paramLabel = "DATASET/NETWORK", description = "e.g. imagenet/resnet50")
  String workload;

  @Option(names = "--batch-size", required = true, paramLabel = "N")
  int batchSize;

  @Option(names = "--epochs", paramLabel = "N", description = "work of each job (default: what fills 24 h at full speed)")
  Integer epochs;

  @CommandLine.ArgGroup(exclusive = true)
  Timing timing;

  static final class Timing {
    @Option(names = "--start", paramLabel = "TIME", description = "one job starting at TIME (2023-06-01T08:00:00Z)")
    String start;

    @Option(names = "--jobs-every", paramLabel = "DURATION",
        description = "a job every DURATION from 8 days into the trace (default 1d)")
    String every;
  }

  @Option(names = "--span", paramLabel = "DURATION", description = "start jobs within this span (default: the whole trace)")
  String span;

  @Option(names = "--policies", paramLabel = "LIST", split = ",",
      description = "of full-speed, static[:CAP], chase[:ETA], forecast[:PCT], oracle[:PCT] (default: all; static at 80%%, chase at eta 0.5, forecast and oracle at --budget)")
  List<String> policies = new ArrayList<>(Contenders.NAMES);

  @Option(names = "--budget", paramLabel = "PCT", description = "slowdown budget of forecast and the oracle, percent (default 5)")
  double budget = 5;

  @Option(names = "--budget-scope", paramLabel = "job|team",
      description = "whom forecast's budget binds: a team's jobs on average, each within 3x the budget (default), or each job")
  String budgetScope = ForecastSettings.DEFAULT_SCOPE.word();

  @Option(names = "--budget-window", paramLabel = "DURATION",
      description = "with --budget-scope team, the past the budget is held over (default 7d, 1d-366d)")
  String budgetWindow;

  @Option(names = "--price-floor-window", paramLabel = "DURATION",
      description = "with --budget-scope team, the longer past whose price of time is the least the budget-window's may"
          + " take (default 366d, 1d-366d; no longer than --budget-window: no floor)")
  String priceFloorWindow;

  @Option(names = "--ci-ref", paramLabel = "G|adaptive",
      description = "chase's reference intensity: gCO2eq/kWh (1-3000, default 750), or adaptive: the median of the intensities seen over --ci-ref-window")
  String ciRef;

  @Option(names = "--ci-ref-window", paramLabel = "DURATION",
      description = "with --ci-ref adaptive, the past whose median is chase's reference (default 30d, 1d-366d)")
  String ciRefWindow;

  @Option(names = "--slack", paramLabel = "DURATION",
      description = "jobs that may finish up to DURATION after their full-speed time: compare run-now, defer (the"
          + " planned start), forecast (power limits from arrival), defer+forecast and the oracle of start and limits"
          + " together, all held to the same deadline (instead of the policies and sweeps)")
  String slack;

  @Option(names = "--margin", paramLabel = "DURATION",
      description = "with --slack, the planner's safety margin before the deadline (default 15m)")
  String margin;

  @Option(names = "--perfect-forecast", paramLabel = "DURATION",
      description = "give policies and the planner the trace's next DURATION as their forecast (default: none, the"
          + " history forecaster only): what a forecasting source is worth")
  String perfectForecast;

  @Option(names = "--format", paramLabel = "text|json|csv", description = "output format (default text)")
  String format = "text";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand CarbonGovernorCommand parent;

  /** A problem with the command line (exit 2) or with an input file's content (exit 78). */
  static final class Failure extends RuntimeException {
    final int exitCode;

    Failure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  private Duration window() {
    return budgetWindow == null ? ForecastSettings.DEFAULT_WINDOW : duration("--budget-window", budgetWindow);
  }

  private Duration floorWindow() {
    return priceFloorWindow == null
        ? ForecastSettings.DEFAULT_FLOOR_WINDOW
        : duration("--price-floor-window", priceFloorWindow);
  }

  /** Chase's settings but for eta, from --ci-ref and --ci-ref-window. */
  private ChaseSettings chaseBase() {
    if (ciRef == null) {
      if (ciRefWindow != null) {
        throw usage("--ci-ref-window applies only with --ci-ref adaptive");
      }
      return ChaseSettings.DEFAULTS;
    }
    if (ciRef.strip().equals("adaptive")) {
      Duration window = ciRefWindow == null ? ChaseSettings.DEFAULT_REFERENCE_WINDOW : duration("--ci-ref-window", ciRefWindow);
      try {
        return ChaseSettings.DEFAULTS.withAdaptiveReference(window);
      } catch (IllegalArgumentException e) {
        throw usage("--ci-ref-window: " + e.getMessage());
      }
    }
    if (ciRefWindow != null) {
      throw usage("--ci-ref-window applies only with --ci-ref adaptive");
    }
    double grams;
    try {
      grams = Double.parseDouble(ciRef.strip());
    } catch (NumberFormatException e) {
      throw usage("--ci-ref must be gCO2eq/kWh from 1 to 3000 or adaptive, got '" + ciRef + "'");
    }
    if (!(grams >= 1 && grams <= 3000)) {
      throw usage("--ci-ref must be gCO2eq/kWh from 1 to 3000 or adaptive, got '" + ciRef + "'");
    }
    return new ChaseSettings(ChaseSettings.DEFAULTS.eta(), Optional.empty(), CarbonIntensity.gramsPerKwh(grams));
  }

  private ForecastSettings.BudgetScope scope() {
    return ForecastSettings.BudgetScope.valueOf(budgetScope.toUpperCase(java.util.Locale.ROOT));
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    try {
      return run();
    } catch (Failure f) {
      err.println("simulate: " + f.getMessage());
      err.flush();
      return f.exitCode;
    }
  }

  private int run() {
    if (!List.of("text", "json", "csv").contains(format)) {
      throw usage("--format must be text, json or csv, got '" + format + "'");
    }
    if (!(budget >= 0 && budget <= 100)) {
      throw usage("--budget must be from 0 to 100 (percent), got " + budget);
    }
    if (Arrays.stream(ForecastSettings.BudgetScope.values()).noneMatch(s -> s.word().equals(budgetScope))) {
      throw usage("--budget-scope must be job or team, got '" + budgetScope + "'");
    }
    teamOnly("--budget-window", budgetWindow, () -> ForecastSettings.percent(budget).withWindow(window()));
    teamOnly("--price-floor-window", priceFloorWindow,
        () -> ForecastSettings.percent(budget).withFloorWindow(floorWindow()));
    TraceColumn traceColumn;
    try {
      traceColumn = TraceColumn.fromWord(column);
    } catch (IllegalArgumentException e) {
      throw usage("--column: " + e.getMessage());
    }
    if (batchSize <= 0) {
      throw usage("--batch-size must be positive, got " + batchSize);
    }
    if (epochs != null && epochs <= 0) {
      throw usage("--epochs must be positive, got " + epochs);
    }
    ChaseSettings chase = chaseBase();
    Map<String, Contender> chosen = contenders(chase);
    CarbonTrace carbon = readTrace("--trace", trace, traceColumn);
    Optional<CarbonTrace> before = history == null ? Optional.empty() : Optional.of(readTrace("--history", history, traceColumn));
    ZeusProfiles profiles = readProfiles();
    PowerProfile workloadProfile;
    try {
      workloadProfile = profiles.profile(workload, batchSize);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    PowerConstraints limits =
        FAMILIES.getOrDefault(profiles.family(),
            new PowerConstraints(workloadProfile.lowestLimit(), workloadProfile.highestLimit()));
    Gpu gpu = new Gpu(0, "SIM-" + profiles.family(), profiles.family(), limits, limits.max());
    Simulator simulator;
    try {
      simulator = Simulator.create(carbon, gpu, workloadProfile);
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
    if (before.isPresent()) {
      try {
        simulator = simulator.withHistory(before.get());
      } catch (IllegalArgumentException e) {
        throw invalid("--history " + history + ": " + e.getMessage());
      }
    }
    if (perfectForecast != null) {
      Duration horizon = duration("--perfect-forecast", perfectForecast);
      if (horizon.compareTo(simulator.slotLength()) < 0 || horizon.compareTo(Duration.ofDays(14)) > 0) {
        throw usage("--perfect-forecast must be from one slot (" + Durations.format(simulator.slotLength())
            + ") to 14d, got " + perfectForecast);
      }
      simulator = simulator.withPerfectForecast(horizon);
    }
    double work = epochs != null ? epochs : Math.ceil(Duration.ofHours(24).toSeconds() / simulator.fullSpeedSeconds(1));
    if (slack != null) {
      return deferral(simulator, work);
    }
    if (margin != null) {
      throw usage("--margin applies only with --slack");
    }
    List<Instant> starts = starts(simulator, work);
    Experiment experiment;
    try {
      experiment = Experiment.of(simulator, starts, work);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }

    Map<String, List<Contender>> plan = new LinkedHashMap<>();
    Set<String> distinct = new HashSet<>();
    for (Map.Entry<String, Contender> e : chosen.entrySet()) {
      plan.put(e.getKey(), e.getKey().equals("chase")
          ? Contenders.chaseSweep(chase)
          : Contenders.sweep(e.getKey(), simulator.options(), scope(), window(), floorWindow()));
      distinct.add(key(e.getValue()));
      plan.get(e.getKey()).forEach(c -> distinct.add(key(c)));
    }
    List<Result> main = new ArrayList<>();
    Map<String, List<Result>> sweeps = new LinkedHashMap<>();
    Map<String, Result> measured = new LinkedHashMap<>();
    try (Progress progress = parent.progressBar("simulate", distinct.size())) {
      for (Map.Entry<String, Contender> e : chosen.entrySet()) {
        main.add(measure(experiment, e.getValue(), measured, progress));
        List<Result> sweep = new ArrayList<>();
        for (Contender c : plan.get(e.getKey())) {
          sweep.add(measure(experiment, c, measured, progress));
        }
        sweeps.put(e.getKey(), sweep);
      }
    }
    SimulationOutput output =
        new SimulationOutput(experiment, trace, workloadProfile, main, sweeps);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case "json" -> output.json(out);
      case "csv" -> output.csv(out);
      default -> output.text(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /**
   * Jobs with a deadline: each contender held to it, measured against running at once and against
   * the oracle of start and limits together at --budget.
   */
  private int deferral(Simulator simulator, double work) {
    var parsed = spec.commandLine().getParseResult();
    for (String option : List.of("--policies", "--budget-scope", "--budget-window", "--price-floor-window", "--ci-ref",
        "--ci-ref-window")) {
      if (parsed.hasMatchedOption(option)) {
        throw usage(option + " does not apply with --slack: its contenders are run-now, defer, forecast (per-job"
            + " budget), defer+forecast and oracle");
      }
    }
    Duration slackTime = duration("--slack", slack);
    if (slackTime.compareTo(Duration.ofDays(30)) > 0) {
      throw usage("--slack must be at most 30d, got " + slack);
    }
    Duration marginTime = margin == null ? DeferSettings.DEFAULTS.margin() : duration("--margin", margin);
    if (marginTime.compareTo(slackTime) > 0 && !slackTime.isZero()) {
      throw usage("--margin " + margin + " is longer than --slack " + slack + ": no job could wait at all");
    }
    List<Instant> arrivals = arrivals(simulator, work, slackTime);
    DeferralExperiment experiment;
    try {
      experiment = DeferralExperiment.of(simulator, arrivals, work, slackTime, marginTime);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    List<DeferContender> contenders = DeferContender.all(budget);
    List<DeferResult> results;
    try (Progress progress = parent.progressBar("simulate", 1)) {
      progress.next("deferral");
      results = experiment.measure(contenders, DeferContender.oracle(budget));
    }
    DeferralOutput output = new DeferralOutput(experiment, simulator, trace, results, budget);
    PrintWriter out = spec.commandLine().getOut();
    switch (format) {
      case "json" -> output.json(out);
      case "csv" -> output.csv(out);
      default -> output.text(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private List<Instant> arrivals(Simulator simulator, double work, Duration slackTime) {
    double window = simulator.fullSpeedSeconds(work) + slackTime.toSeconds();
    if (timing != null && timing.start != null) {
      Instant start = instant(timing.start);
      if (start.isBefore(simulator.traceStart()) || start.plusSeconds((long) Math.ceil(window)).isAfter(simulator.traceEnd())) {
        throw usage("a job of " + fmt(work) + " epochs arriving at " + timing.start + " with " + slack
            + " of slack has its deadline outside the trace (" + simulator.traceStart() + " to "
            + simulator.traceEnd() + ")");
      }
      return List.of(start);
    }
    Duration every = timing != null && timing.every != null ? duration("--jobs-every", timing.every) : Duration.ofDays(1);
    if (every.isZero()) {
      throw usage("--jobs-every must be above 0");
    }
    Duration spanLength = span == null ? Duration.between(simulator.traceStart(), simulator.traceEnd()) : duration("--span", span);
    List<Instant> arrivals = DeferralExperiment.arrivals(simulator, simulator.traceStart().plus(WARM_UP), every,
        spanLength, work, slackTime);
    if (arrivals.isEmpty()) {
      throw usage("no job of " + fmt(work) + " epochs with " + slack + " of slack fits in the trace ("
          + simulator.traceStart() + " to " + simulator.traceEnd() + ") after its first "
          + Durations.format(WARM_UP) + " of history; give a longer trace, fewer --epochs, less --slack or --start");
    }
    return arrivals;
  }

  /** Each policy and knob once: a chosen knob is usually also a step of its sweep. */
  private static Result measure(Experiment experiment, Contender c, Map<String, Result> measured, Progress progress) {
    return measured.computeIfAbsent(key(c), k -> {
      progress.next(k);
      return experiment.measure(c);
    });
  }

  private static String key(Contender c) {
    return (c.name() + " " + c.knob()).strip();
  }

  private Map<String, Contender> contenders(ChaseSettings chase) {
    Map<String, Contender> chosen = new LinkedHashMap<>();
    for (String item : policies) {
      String spec = item.strip();
      int colon = spec.indexOf(':');
      String name = colon < 0 ? spec : spec.substring(0, colon);
      String knob = colon < 0 ? null : spec.substring(colon + 1).strip();
      if (!Contenders.NAMES.contains(name)) {
        throw usage("unknown policy '" + name + "' in --policies; expected "
            + String.join(", ", Contenders.NAMES));
      }
      if (chosen.containsKey(name)) {
        throw usage("policy '" + name + "' is listed twice in --policies");
      }
      try {
        chosen.put(name, contender(name, knob, chase));
      } catch (IllegalArgumentException e) {
        throw usage("--policies " + spec + ": " + e.getMessage());
      }
    }
    if (chosen.isEmpty()) {
      throw usage("--policies lists no policy");
    }
    return chosen;
  }

  private Contender contender(String name, String knob, ChaseSettings chase) {
    switch (name) {
      case "full-speed" -> {
        if (knob != null) {
          throw new IllegalArgumentException("full-speed takes no knob");
        }
        return Contenders.fullSpeed();
      }
      case "static" -> {
        if (knob == null) {
          return Contenders.staticCap(PowerCap.fractionOfMax(0.8));
        }
        return knob.endsWith("%")
            ? Contenders.staticCap(PowerCap.fractionOfMax(fraction(knob)))
            : Contenders.staticCap(PowerCap.watts(watts(knob)));
      }
      case "chase" -> {
        return Contenders.chaseWithReference(chase.withEta(knob == null ? 0.5 : number(knob)));
      }
      case "forecast" -> {
        return Contenders.forecast(knob == null ? budget : percent(knob), scope(), window(), floorWindow());
      }
      default -> {
        return Contenders.oracle(knob == null ? budget : percent(knob));
      }
    }
  }

  private static Power watts(String text) {
    String s = text.strip();
    if (!s.matches("\\d{1,5}(\\.\\d+)?\\s*W")) {
      throw new IllegalArgumentException("expected a cap in watts like 225W, got '" + text + "'");
    }
    return Power.ofWatts(Double.parseDouble(s.replace("W", "").strip()));
  }

  private static double fraction(String text) {
    double value = number(text.strip().replaceFirst("%$", ""));
    if (!(value > 0 && value <= 100)) {
      throw new IllegalArgumentException("a cap must be above 0% and at most 100%, got " + text);
    }
    return value / 100;
  }

  private static double percent(String text) {
    double value = number(text.strip().replaceFirst("%$", ""));
    if (!(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException("a budget must be from 0% to 100%, got " + text);
    }
    return value;
  }

  private static double number(String text) {
    try {
      return Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: '" + text + "'");
    }
  }

  /** A path that names nothing is a usage error; one that names no trace file is bad input. */
  private CarbonTrace readTrace(String option, Path file, TraceColumn traceColumn) {
    if (!Files.exists(file)) {
      throw usage(option + " " + file + ": no such file");
    }
    try {
      return CarbonTrace.read(file, traceColumn);
    } catch (TraceFormatException e) {
      throw invalid(e.getMessage());
    } catch (UnsuitableFileException e) {
      throw invalid(option + " " + e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      throw invalid("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** A bare name that is a bundled profile's is that profile; anything else a file. */
  private ZeusProfiles readProfiles() {
    String name = profile.toString();
    List<String> bundled = ZeusProfiles.bundledFamilies();
    if (!name.contains("/") && bundled.contains(name.toLowerCase(Locale.ROOT))) {
      return ZeusProfiles.bundled(name);
    }
    if (!Files.exists(profile)) {
      throw usage("--profile " + profile + ": no such file, and no bundled profile of that name (bundled: "
          + String.join(", ", bundled) + ")");
    }
    try {
      return ZeusProfiles.read(profile);
    } catch (ProfileFormatException e) {
      throw invalid(e.getMessage());
    } catch (UncheckedIOException e) {
      throw invalid(e.getCause() instanceof UnsuitableFileException u
          ? "--profile " + u.getMessage()
          : "cannot read " + profile + ": " + e.getMessage());
    }
  }

  private List<Instant> starts(Simulator simulator, double work) {
    Duration spanLength = span == null ? Duration.between(simulator.traceStart(), simulator.traceEnd()) : duration("--span", span);
    if (timing != null && timing.start != null) {
      Instant start = instant(timing.start);
      if (start.isBefore(simulator.traceStart()) || !start.isBefore(simulator.traceEnd())) {
        throw usage("--start " + timing.start + " is outside the trace (" + simulator.traceStart() + " to "
            + simulator.traceEnd() + ")");
      }
      List<Instant> one = Experiment.starts(simulator, start, Duration.ofDays(36_500), Duration.ofSeconds(1), work);
      if (one.isEmpty()) {
        throw usage("a job of " + fmt(work) + " epochs starting at " + start
            + " could run past the end of the trace at " + simulator.traceEnd() + " (at the lowest limit)");
      }
      return one;
    }
    Duration every = timing != null && timing.every != null ? duration("--jobs-every", timing.every) : Duration.ofDays(1);
    if (every.isZero()) {
      throw usage("--jobs-every must be above 0");
    }
    Instant first = simulator.traceStart().plus(WARM_UP);
    List<Instant> starts = Experiment.starts(simulator, first, every, spanLength, work);
    if (starts.isEmpty()) {
      throw usage("no job of " + fmt(work) + " epochs fits in the trace (" + simulator.traceStart() + " to "
          + simulator.traceEnd() + ") after its first " + Durations.format(WARM_UP)
          + " of history; give a longer trace, fewer --epochs or --start");
    }
    return starts;
  }

  private Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  private Instant instant(String text) {
    String s = text.strip();
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException ignored) {
      // not an instant with an offset; try the UTC spellings below
    }
    try {
      return LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException ignored) {
      // not a date-time either
    }
    try {
      return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw usage("--start: expected a time like 2023-06-01T08:00:00Z (UTC), got '" + text + "'");
    }
  }

  private static String fmt(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }

  /** An option given only with a team's budget, whose value {@code check} refuses by throwing. */
  private void teamOnly(String option, String value, Runnable check) {
    if (value == null) {
      return;
    }
    if (scope() == ForecastSettings.BudgetScope.JOB) {
      throw usage(option + " applies only with --budget-scope team");
    }
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      throw usage(option + ": " + e.getMessage());
    }
  }

  private static Failure usage(String message) {
    return new Failure(ExitCodes.USAGE, message);
  }

  private static Failure invalid(String message) {
    return new Failure(ExitCodes.INVALID_CONFIG, message);
  }
}
