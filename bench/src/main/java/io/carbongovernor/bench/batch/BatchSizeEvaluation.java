package io.carbongovernor.bench.batch;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.batch.AdvisorSettings;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.JobSpec;
import io.carbongovernor.policy.batch.TimeWeight;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Energy and carbon to target of the advisor's batch sizes over recurring runs, against the best
 * fixed batch size in hindsight and Zeus's default, on the Zeus NSDI'23 traces. Prints one
 * evaluation's tables in Markdown, or with {@code --template T --page OUT} writes the results page
 * ({@link AdvisorPage}) and prints its runs' tables.
 *
 * <p>Usage: {@code bench/batch-size-eval --trace-dir DIR [--carbon-trace FILE] [--gpu a40|v100]
 * [--recurrences 50] [--seeds 20] [--limit WATTS]}. {@code DIR} holds Zeus's NSDI'23 traces, which
 * the repository does not bundle: {@code summary_train.csv} and {@code summary_power_<gpu>.csv}
 * from ml-energy/zeus, {@code examples/research_reproducibility/zeus_nsdi23/trace}.
 */
public final class BatchSizeEvaluation {

  private BatchSizeEvaluation() {}

  /** What a scenario ranks strategies by. */
  enum Metric {
    ENERGY("kWh"),
    EMISSIONS("kg CO2eq"),
    COST("kg-eq");

    final String unit;

    Metric(String unit) {
      this.unit = unit;
    }

    double of(RecurrenceSimulator.Totals t) {
      return switch (this) {
        case ENERGY -> t.kwh();
        case EMISSIONS -> t.grams() / 1000;
        case COST -> t.cost() / 1000;
      };
    }

    double of(RecurrenceSimulator.Recurrence r) {
      return switch (this) {
        case ENERGY -> r.kwh();
        case EMISSIONS -> r.grams() / 1000;
        case COST -> r.cost() / 1000;
      };
    }
  }

  /** One way of pricing runs: a grid, a time weight, and what the table reports. */
  record Scenario(String title, Grid grid, TimeWeight timeWeight, Metric metric) {}

  /** What one evaluation covers: a GPU's traces, a carbon trace, and how long and how often. */
  record Settings(String gpu, Path carbonFile, int recurrences, int seeds, OptionalInt fixedLimit) {

    static final String DEFAULT_CARBON = "traces/US-CAL-CISO_2023_hourly.csv";
    static final int DEFAULT_RECURRENCES = 50;
    static final int DEFAULT_SEEDS = 20;

    static Settings defaults(String gpu) {
      return new Settings(gpu, Path.of(DEFAULT_CARBON), DEFAULT_RECURRENCES, DEFAULT_SEEDS, OptionalInt.empty());
    }

    Settings withRecurrences(int n) {
      return new Settings(gpu, carbonFile, n, seeds, fixedLimit);
    }
  }

  /**
   * One workload's row: means over seeds of the advisor's, the best fixed size's and the default's
   * totals in the scenario's metric, the advisor's regret over the last half of the recurrences,
   * and how far apart the fixed sizes are ({@code sizeSpreadPercent}: the costliest size's total
   * over the cheapest's, in percent, among the sizes that reach the target with every seed).
   */
  record Row(Workload workload, List<Integer> sizes, int defaultSize, String bestLabel, double defaultMean,
      double bestMean, double advisorMean, double advisorSd, double lateRegretPercent, double runs, double stopped,
      String finalSizes, double[] also, double sizeSpreadPercent) {

    double regretPercent() {
      return 100 * (advisorMean - bestMean) / bestMean;
    }

    double vsDefaultPercent() {
      return 100 * (advisorMean - defaultMean) / defaultMean;
    }

    /** How far the default is from the best fixed size, in percent of the best. */
    double defaultOverBestPercent() {
      return 100 * (defaultMean - bestMean) / bestMean;
    }
  }

  /** A scenario's rows, one per workload. */
  record Table(Scenario scenario, List<Row> rows) {}

  /** An evaluation's results: a table per scenario. */
  record Results(Settings settings, double meanIntensity, double maxWatts, List<Table> tables) {

    Table table(int index) {
      return tables.get(index);
    }
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = options(args);
    Path traceDir = traceDir(options);
    if (options.containsKey("--template") || options.containsKey("--page")) {
      if (!options.keySet().equals(java.util.Set.of("--trace-dir", "--template", "--page"))) {
        throw new IllegalArgumentException(USAGE + "; the page (--page) takes only --trace-dir and --template");
      }
      AdvisorPage.write(traceDir, Path.of(options.get("--template")), Path.of(options.get("--page")));
      return;
    }
    Settings settings = new Settings(options.getOrDefault("--gpu", "a40"),
        Path.of(options.getOrDefault("--carbon-trace", Settings.DEFAULT_CARBON)),
        Integer.parseInt(options.getOrDefault("--recurrences", Integer.toString(Settings.DEFAULT_RECURRENCES))),
        Integer.parseInt(options.getOrDefault("--seeds", Integer.toString(Settings.DEFAULT_SEEDS))),
        options.containsKey("--limit") ? OptionalInt.of(Integer.parseInt(options.get("--limit"))) : OptionalInt.empty());
    System.out.print(markdown(evaluate(traceDir, settings, false)));
  }

  /** Runs every scenario, or only the constant grid's with {@code constantOnly}. */
  static Results evaluate(Path traceDir, Settings settings, boolean constantOnly) throws IOException {
    TrainingPaths training = TrainingPaths.read(traceDir.resolve("summary_train.csv"));
    ZeusProfiles power = ZeusProfiles.read(traceDir.resolve("summary_power_" + settings.gpu() + ".csv"));
    Path carbonFile = settings.carbonFile();
    CarbonTrace carbon = CarbonTrace.read(carbonFile);
    double mean = carbon.mean().gramsPerKwh();
    double maxWatts = 0;
    for (String w : power.workloads()) {
      for (int b : power.batchSizes(w)) {
        maxWatts = Math.max(maxWatts, power.profile(w, b).highestLimit().watts());
      }
    }
    List<Scenario> scenarios = List.of(
        new Scenario("Constant grid, time weight 0 (cost = energy x constant intensity)",
            Grid.constant(mean), TimeWeight.ZERO, Metric.ENERGY),
        new Scenario("Real grid: " + carbonFile.getFileName() + ", time weight 0 (cost = emissions)",
            Grid.hourly(carbon, carbonFile.getFileName().toString()), TimeWeight.ZERO, Metric.EMISSIONS),
        new Scenario("Constant grid, time priced as Zeus's eta = 0.5 (cost = emissions + time weight x seconds)",
            Grid.constant(mean), TimeWeight.zeusEquivalent(0.5, maxWatts, mean), Metric.COST));
    if (constantOnly) {
      scenarios = scenarios.subList(0, 1);
    }
    List<Table> tables = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      List<Row> rows = new ArrayList<>();
      for (Workload workload : Workload.ZEUS_DEFAULTS) {
        rows.add(row(workload, scenario, training, power, settings));
      }
      tables.add(new Table(scenario, rows));
    }
    return new Results(settings, mean, maxWatts, tables);
  }

  /** The tables as Markdown, with a line that says what was run. */
  static String markdown(Results results) {
    Settings settings = results.settings();
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "GPU %s, power limit %s, %d recurrences per workload, %d seeds (means over seeds), advisor settings %s.%n%n",
        settings.gpu(), settings.fixedLimit().isPresent() ? settings.fixedLimit().getAsInt() + " W"
            : "the maximum of each profile", settings.recurrences(), settings.seeds(), AdvisorSettings.ZEUS));
    out.append(tables(results, "### "));
    return out.toString();
  }

  /** Each scenario's table under a heading of the given level. */
  static String tables(Results results, String heading) {
    int recurrences = results.settings().recurrences();
    StringBuilder out = new StringBuilder();
    for (Table table : results.tables()) {
      Scenario scenario = table.scenario();
      out.append(heading).append(scenario.title()).append("\n\n");
      String u = scenario.metric().unit;
      out.append("Grid: ").append(scenario.grid().describe()).append("; time weight ").append(scenario.timeWeight())
          .append("; totals in ").append(u).append(" over ").append(recurrences).append(" recurrences.\n\n");
      out.append("| workload | sizes | default | best fixed | default | best fixed | advisor (sd) | advisor regret "
          + "| advisor vs default | regret in last " + recurrences / 2 + " | advisor runs (stopped) | advisor's final size "
          + "| " + (scenario.metric() == Metric.EMISSIONS ? "kWh: advisor / best / default"
              : "hours: advisor / best / default") + " |\n");
      out.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
      for (Row r : table.rows()) {
        out.append(String.format(Locale.ROOT,
            "| %s | %s | %d | %s | %s | %s | %s (%s) | %s (%+.1f %%) | %+.1f %% | %+.1f %% | %.1f (%.1f) | %s | %s / %s / %s |",
            r.workload().name(), r.sizes(), r.defaultSize(), r.bestLabel(), num(r.defaultMean()), num(r.bestMean()),
            num(r.advisorMean()), num(r.advisorSd()), signed(r.advisorMean() - r.bestMean()), r.regretPercent(),
            r.vsDefaultPercent(), r.lateRegretPercent(), r.runs(), r.stopped(), r.finalSizes(), num(r.also()[0]),
            num(r.also()[1]), num(r.also()[2]))).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static Row row(Workload workload, Scenario scenario, TrainingPaths training, ZeusProfiles power,
      Settings settings) {
    int recurrences = settings.recurrences();
    int seeds = settings.seeds();
    OptionalInt fixedLimit = settings.fixedLimit();
    SortedSet<Integer> profiled = power.batchSizes(workload.name());
    SortedSet<Integer> trained = training.batchSizes(workload.name(), workload.optimizer(), workload.target());
    List<Integer> sizes = new ArrayList<>(trained);
    sizes.retainAll(profiled);
    int b0 = workload.defaultFor(profiled.last());
    Map<Integer, List<java.util.OptionalInt>> paths = new HashMap<>();
    Map<Integer, PowerProfile> profiles = new HashMap<>();
    for (int b : sizes) {
      paths.put(b, training.runs(workload.name(), workload.optimizer(), workload.target(), b));
      profiles.put(b, power.profile(workload.name(), b));
    }
    Power limit = fixedLimit.isPresent() ? Power.ofWatts(fixedLimit.getAsInt()) : profiles.get(b0).highestLimit();
    JobSpec job = JobSpec.of(new JobKey("eval", workload.name()), sizes, OptionalInt.of(b0), scenario.timeWeight());
    RecurrenceSimulator sim = new RecurrenceSimulator(workload, job, paths, profiles, limit, scenario.grid());

    List<RecurrenceSimulator.Totals> advisor = new ArrayList<>();
    List<RecurrenceSimulator.Totals> best = new ArrayList<>();
    List<RecurrenceSimulator.Totals> byDefault = new ArrayList<>();
    Map<Integer, Integer> bestCounts = new TreeMap<>();
    Map<Integer, Integer> finalSizes = new TreeMap<>();
    Map<Integer, Double> sizeTotals = new TreeMap<>();
    java.util.Set<Integer> infeasible = new java.util.TreeSet<>();
    for (long seed = 1; seed <= seeds; seed++) {
      BatchSizeAdvisor adv = BatchSizeAdvisor.create(AdvisorSettings.ZEUS.withSeed(seed));
      RecurrenceSimulator.Totals a = sim.simulate(Strategy.advisor(adv), recurrences, seed);
      advisor.add(a);
      List<RecurrenceSimulator.Recurrence> each = a.recurrences();
      finalSizes.merge(each.get(each.size() - 1).finalSize(), 1, Integer::sum);
      RecurrenceSimulator.Totals bestHere = null;
      int bestSize = -1;
      for (int b : sizes) {
        RecurrenceSimulator.Totals f = sim.simulate(Strategy.fixed(b), recurrences, seed);
        if (b == b0) {
          byDefault.add(f);
        }
        sizeTotals.merge(b, scenario.metric().of(f), Double::sum);
        if (!f.feasible()) {
          infeasible.add(b);
        }
        if (f.feasible() && (bestHere == null || f.cost() < bestHere.cost())) {
          bestHere = f;
          bestSize = b;
        }
      }
      best.add(bestHere);
      bestCounts.merge(bestSize, 1, Integer::sum);
    }
    Metric m = scenario.metric();
    double[] adv = advisor.stream().mapToDouble(m::of).toArray();
    double aMean = mean(adv);
    double fMean = best.stream().mapToDouble(m::of).average().orElseThrow();
    double dMean = byDefault.stream().mapToDouble(m::of).average().orElseThrow();
    double lateAdvisor = 0;
    double lateBest = 0;
    for (int i = 0; i < advisor.size(); i++) {
      lateAdvisor += late(advisor.get(i), m, recurrences / 2);
      lateBest += late(best.get(i), m, recurrences / 2);
    }
    String bestLabel = mostCommon(bestCounts) + (bestCounts.size() > 1 ? " " + counts(bestCounts) : "");
    double[] also = switch (m) {
      case EMISSIONS -> new double[] {
          avg(advisor, RecurrenceSimulator.Totals::kwh), avg(best, RecurrenceSimulator.Totals::kwh),
          avg(byDefault, RecurrenceSimulator.Totals::kwh)};
      default -> new double[] {
          avg(advisor, t -> t.seconds() / 3600), avg(best, t -> t.seconds() / 3600),
          avg(byDefault, t -> t.seconds() / 3600)};
    };
    sizeTotals.keySet().removeAll(infeasible);
    double spread = sizeTotals.isEmpty() ? 0
        : 100 * (java.util.Collections.max(sizeTotals.values()) / java.util.Collections.min(sizeTotals.values()) - 1);
    return new Row(workload, List.copyOf(sizes), b0, bestLabel, dMean, fMean, aMean, sd(adv),
        100 * (lateAdvisor - lateBest) / lateBest, avg(advisor, t -> t.runs()), avg(advisor, t -> t.stopped()),
        counts(finalSizes), also, spread);
  }

  /** The metric summed over the last {@code n} recurrences. */
  private static double late(RecurrenceSimulator.Totals t, Metric m, int n) {
    List<RecurrenceSimulator.Recurrence> each = t.recurrences();
    double sum = 0;
    for (RecurrenceSimulator.Recurrence r : each.subList(each.size() - n, each.size())) {
      sum += m.of(r);
    }
    return sum;
  }

  private static double avg(List<RecurrenceSimulator.Totals> all, java.util.function.ToDoubleFunction<RecurrenceSimulator.Totals> f) {
    return all.stream().mapToDouble(f).average().orElseThrow();
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static double sd(double[] values) {
    double m = mean(values);
    double sq = 0;
    for (double v : values) {
      sq += (v - m) * (v - m);
    }
    return Math.sqrt(sq / values.length);
  }

  /** Three significant digits, no exponent; rounding noise shows as 0. */
  static String num(double value) {
    if (Math.abs(value) < 1e-9) {
      return "0";
    }
    return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String signed(double value) {
    return (value >= 0 ? "+" : "") + num(value);
  }

  private static int mostCommon(Map<Integer, Integer> counts) {
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  private static String counts(Map<Integer, Integer> counts) {
    StringBuilder s = new StringBuilder();
    counts.entrySet().stream()
        .sorted(Map.Entry.<Integer, Integer>comparingByValue().reversed())
        .forEach(e -> s.append(s.length() == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue()));
    return "(" + s + ")";
  }

  private static final String USAGE = "usage: bench/batch-size-eval --trace-dir DIR [--carbon-trace FILE] "
      + "[--gpu a40|v100] [--recurrences N] [--seeds N] [--limit WATTS], or --trace-dir DIR [--out PAGE.md]";

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(USAGE + "; bad argument: " + args[i]);
      }
      options.put(args[i], args[++i]);
    }
    return options;
  }

  /** Zeus's traces are not in the repository, so their directory is always named. */
  static Path traceDir(Map<String, String> options) {
    String dir = options.get("--trace-dir");
    if (dir == null) {
      throw new IllegalArgumentException(USAGE + "; --trace-dir is required: a directory with Zeus's "
          + "summary_train.csv and summary_power_<gpu>.csv (ml-energy/zeus, "
          + "examples/research_reproducibility/zeus_nsdi23/trace)");
    }
    return Path.of(dir);
  }
}
