package io.carbongovernor.bench.batch;

import io.carbongovernor.bench.PageTemplate;
import io.carbongovernor.bench.batch.BatchSizeEvaluation.Results;
import io.carbongovernor.bench.batch.BatchSizeEvaluation.Row;
import io.carbongovernor.bench.batch.BatchSizeEvaluation.Settings;
import io.carbongovernor.policy.batch.AdvisorSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * {@code bench/results/batch-size-advisor.md} from its template: the A40 and the V100 with the
 * defaults, and the A40's constant grid over {@value #LONG_RECURRENCES} recurrences; every figure
 * in the tables and in the findings comes from these runs. Prints each run's tables on stdout.
 */
final class AdvisorPage {

  static final int LONG_RECURRENCES = 200;
  /** A regret over the last half above this is named, and the spread of the sizes given. */
  private static final double LATE_REGRET_NOTED = 1.0;

  private AdvisorPage() {}

  static void write(Path traceDir, Path template, Path out) throws IOException {
    PageTemplate page = PageTemplate.read(template);
    long began = System.nanoTime();
    Results a40 = run(traceDir, Settings.defaults("a40"), false);
    Results v100 = run(traceDir, Settings.defaults("v100"), false);
    Results a40Long = run(traceDir, Settings.defaults("a40").withRecurrences(LONG_RECURRENCES), true);
    long seconds = Math.round((System.nanoTime() - began) / 1e9);
    Settings defaults = a40.settings();
    int recurrences = defaults.recurrences();
    AdvisorSettings advisor = AdvisorSettings.ZEUS;
    page.put("recurrences", Integer.toString(recurrences))
        .put("long-recurrences", Integer.toString(LONG_RECURRENCES))
        .put("elapsed", seconds >= 120 ? String.format(Locale.ROOT, "%.1f minutes", seconds / 60.0) : seconds + " s")
        .put("carbon-trace", defaults.carbonFile().toString())
        .put("carbon-file", defaults.carbonFile().getFileName().toString())
        .put("seeds", Integer.toString(defaults.seeds()))
        .put("max-tries", Integer.toString(RecurrenceSimulator.MAX_TRIES))
        .put("advisor-settings", String.format(Locale.ROOT,
            "beta %s, %d pruning rounds, %d runs per arm before sampling, %s", BatchSizeEvaluation.num(advisor.beta()),
            advisor.pruningRounds(), advisor.explorationsPerArm(),
            advisor.window() == 0 ? "all history" : "the last " + advisor.window() + " runs"))
        .put("mean-intensity", String.format(Locale.ROOT, "%.1f", a40.meanIntensity()))
        .put("time-weights", timeWeight("A40", a40) + "; " + timeWeight("V100", v100))
        .put("late-count", Integer.toString(recurrences / 2))
        .put("late-from", Integer.toString(recurrences - recurrences / 2 + 1))
        .put("workloads", workloads(a40, v100))
        .put("findings", findings(a40, v100, a40Long))
        .put("movielens-real", movielensReal(a40))
        .put("a40-limit", watts(a40))
        .put("v100-limit", watts(v100))
        .put("a40-tables", BatchSizeEvaluation.tables(a40, "### A40: "))
        .put("v100-differences", sizeDifferences(a40, v100))
        .put("v100-tables", BatchSizeEvaluation.tables(v100, "### V100: "))
        .put("a40-long-tables", BatchSizeEvaluation.tables(a40Long, "### A40, " + LONG_RECURRENCES + " recurrences: "));
    page.write(out);
  }

  private static Results run(Path traceDir, Settings settings, boolean constantOnly) throws IOException {
    System.err.printf(Locale.ROOT, "batch-size-eval: %s, %d recurrences%n", settings.gpu(), settings.recurrences());
    Results results = BatchSizeEvaluation.evaluate(traceDir, settings, constantOnly);
    System.out.print(BatchSizeEvaluation.markdown(results));
    return results;
  }

  private static String watts(Results r) {
    return String.format(Locale.ROOT, "%.0f W", r.maxWatts());
  }

  private static String timeWeight(String gpu, Results r) {
    return gpu + " " + watts(r) + ": " + r.table(2).scenario().timeWeight();
  }

  private static String workloads(Results a40, Results v100) {
    StringBuilder s = new StringBuilder("  | workload | optimizer | target | max epochs | default `b0` |\n"
        + "  |---|---|---|---|---|\n");
    for (int i = 0; i < Workload.ZEUS_DEFAULTS.size(); i++) {
      Workload w = Workload.ZEUS_DEFAULTS.get(i);
      int onA40 = a40.table(0).rows().get(i).defaultSize();
      int onV100 = v100.table(0).rows().get(i).defaultSize();
      String b0 = Integer.toString(w.defaultBatchSize());
      if (onA40 != w.defaultBatchSize() || onV100 != w.defaultBatchSize()) {
        b0 = "`min(" + w.defaultBatchSize() + ", largest profiled)` = "
            + (onA40 == onV100 ? onA40 + " on both GPUs" : onA40 + " on the A40, " + onV100 + " on the V100");
      }
      s.append(String.format(Locale.ROOT, "  | %s | %s | %s | %d | %s |%n", w.name(), w.optimizer(),
          BatchSizeEvaluation.num(w.target()), w.maxEpochs(), b0));
    }
    return s.toString().stripTrailing();
  }

  private static String findings(Results a40, Results v100, Results a40Long) {
    List<Row> constant = a40.table(0).rows();
    List<Row> real = a40.table(1).rows();
    int recurrences = a40.settings().recurrences();
    StringBuilder s = new StringBuilder();

    // Against the default.
    List<Row> wins = filter(constant, r -> r.vsDefaultPercent() < 0);
    List<Row> losses = filter(constant, r -> r.vsDefaultPercent() >= 0);
    s.append("- **Against the default.** ");
    if (!wins.isEmpty()) {
      List<Row> realWins = new ArrayList<>();
      double apart = 0;
      for (Row w : wins) {
        Row r = real.get(constant.indexOf(w));
        realWins.add(r);
        apart = Math.max(apart, Math.abs(r.vsDefaultPercent() - w.vsDefaultPercent()));
      }
      s.append("On the A40 with the constant grid the advisor uses less energy to target than Zeus's default on ")
          .append(join(wins, r -> r.workload().name() + " (" + percent(r.vsDefaultPercent()) + ")"))
          .append("; the real grid gives emission savings within ").append(String.format(Locale.ROOT, "%.1f", apart))
          .append(" points of those (").append(join(realWins, r -> percent(r.vsDefaultPercent()))).append("). ");
    }
    if (!losses.isEmpty()) {
      s.append("Where the default is the best size or close to it, exploring costs more than it wins back in ")
          .append(recurrences).append(" recurrences: ")
          .append(join(losses, r -> percent(r.vsDefaultPercent()) + " on " + r.workload().name() + " (default "
              + r.defaultSize() + ", best fixed " + r.bestLabel().split(" ")[0] + ", "
              + String.format(Locale.ROOT, "%.1f %%", r.defaultOverBestPercent()) + " apart)"))
          .append(". ");
    }
    List<Row> v = v100.table(0).rows();
    List<Row> vWins = filter(v, r -> r.vsDefaultPercent() < 0);
    List<Row> vLosses = filter(v, r -> r.vsDefaultPercent() >= 0);
    s.append("On the V100 it beats the default on ").append(vWins.size()).append(" of the ").append(v.size());
    if (!vWins.isEmpty()) {
      s.append(" (").append(join(vWins, r -> r.workload().name() + " " + percent(r.vsDefaultPercent()))).append(")");
    }
    if (!vLosses.isEmpty()) {
      s.append(" and loses on ").append(join(vLosses, r -> r.workload().name() + " ("
          + percent(r.vsDefaultPercent()) + ")"));
    }
    s.append(".\n");

    // Against the best fixed size.
    double minRegret = constant.stream().mapToDouble(Row::regretPercent).min().orElseThrow();
    double maxRegret = constant.stream().mapToDouble(Row::regretPercent).max().orElseThrow();
    List<Row> lateHigh = filter(constant, r -> r.lateRegretPercent() > LATE_REGRET_NOTED);
    List<Row> lateLow = filter(constant, r -> r.lateRegretPercent() <= LATE_REGRET_NOTED);
    s.append("- **Against the best fixed size in hindsight.** Over ").append(recurrences)
        .append(" recurrences the regret is ").append(percent(minRegret)).append(" to ").append(percent(maxRegret))
        .append(" (A40, constant grid). Over recurrences ").append(recurrences - recurrences / 2 + 1).append("–")
        .append(recurrences).append(", after exploration, ");
    if (!lateLow.isEmpty()) {
      s.append("it is at most ").append(percent(lateLow.stream().mapToDouble(Row::lateRegretPercent).max().orElseThrow()));
      if (!lateHigh.isEmpty()) {
        s.append(", except on ");
      }
    } else {
      s.append("it is ");
    }
    if (!lateHigh.isEmpty()) {
      s.append(join(lateHigh, r -> r.workload().name() + " (" + percent(r.lateRegretPercent()) + "; its "
          + r.sizes().size() + " sizes' totals are within " + String.format(Locale.ROOT, "%.0f %%", r.sizeSpreadPercent())
          + " of each other)"));
    }
    s.append(". ");
    List<Row> longRows = a40Long.table(0).rows();
    boolean shrinks = true;
    for (int i = 0; i < longRows.size(); i++) {
      shrinks &= longRows.get(i).regretPercent() < constant.get(i).regretPercent();
    }
    s.append(shrinks ? "Exploration costs a fixed amount, so its share shrinks over more recurrences: over "
            : "Over ")
        .append(LONG_RECURRENCES).append(" (A40, constant grid) the regrets are ")
        .append(join(longRows, r -> percent(r.regretPercent()) + " (" + shortName(r) + ")"))
        .append("; against the default that is ").append(join(longRows, r -> percent(r.vsDefaultPercent())))
        .append(".\n");

    // The early stop.
    List<Row> all = new ArrayList<>();
    for (Results r : List.of(a40, v100)) {
      for (BatchSizeEvaluation.Table t : r.tables()) {
        all.addAll(t.rows());
      }
    }
    double minStopped = all.stream().mapToDouble(Row::stopped).min().orElseThrow();
    double maxStopped = all.stream().mapToDouble(Row::stopped).max().orElseThrow();
    s.append(String.format(Locale.ROOT, "- **Early stop.** It ends %.1f to %.1f runs per %d recurrences (every table of"
        + " both GPUs): sizes more than twice as costly as the best, or paths that never reach the target. Without"
        + " it each such run would go on to the maximum epochs.", minStopped,
        maxStopped, recurrences));
    return s.toString();
  }

  private static String movielensReal(Results a40) {
    Row r = a40.table(1).rows().stream().filter(x -> x.workload().name().equals("movielens-1m/ncf")).findFirst()
        .orElseThrow();
    return String.format(Locale.ROOT, "%s regret over recurrences %d–%d and %.1f early-stopped runs",
        percent(r.lateRegretPercent()), a40.settings().recurrences() - a40.settings().recurrences() / 2 + 1,
        a40.settings().recurrences(), r.stopped());
  }

  private static String sizeDifferences(Results a40, Results v100) {
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < Workload.ZEUS_DEFAULTS.size(); i++) {
      List<Integer> onA40 = a40.table(0).rows().get(i).sizes();
      List<Integer> onV100 = v100.table(0).rows().get(i).sizes();
      List<Integer> more = new ArrayList<>(onV100);
      more.removeAll(onA40);
      List<Integer> fewer = new ArrayList<>(onA40);
      fewer.removeAll(onV100);
      String name = Workload.ZEUS_DEFAULTS.get(i).name();
      if (!more.isEmpty()) {
        notes.add(name + " also at " + more);
      }
      if (!fewer.isEmpty()) {
        notes.add(name + " not at " + fewer);
      }
    }
    return notes.isEmpty() ? "The V100 trace has the same sizes as the A40's."
        : "The V100 trace differs from the A40's in its sizes: " + String.join("; ", notes) + ".";
  }

  private static String shortName(Row r) {
    return r.workload().name().split("/")[0];
  }

  private static String percent(double value) {
    return String.format(Locale.ROOT, "%+.1f %%", value).replace("-", "−");
  }

  private static List<Row> filter(List<Row> rows, Predicate<Row> keep) {
    return rows.stream().filter(keep).toList();
  }

  private static String join(List<Row> rows, Function<Row, String> each) {
    List<String> parts = rows.stream().map(each).toList();
    if (parts.size() <= 1) {
      return String.join("", parts);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }
}
