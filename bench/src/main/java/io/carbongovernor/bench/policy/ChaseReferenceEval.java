package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.sim.Contenders;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Frontier;
import io.carbongovernor.policy.sim.Result;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chase as published (reference 750 g/kWh) beside Chase with an adaptive reference (the median of
 * the last 30 days): every trace given, and each scaled to a clean grid's mean where asked, x the
 * bundled A40 and V100 profiles, ImageNet ResNet-50 at batch 256, a day's work every day from day
 * 8 as the policy matrix runs it; eta 0.5 and the sweep 0.1 to 1, as Markdown on standard output.
 * Usage: {@code ChaseReferenceEval [--clean G TRACE]... TRACE...}: {@code --clean 60 GB.csv} adds
 * GB's trace scaled to a mean of 60 g/kWh.
 */
public final class ChaseReferenceEval {

  private static final double[] ETAS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};

  private ChaseReferenceEval() {}

  private record Named(String name, CarbonTrace trace) {}

  public static void main(String[] args) throws IOException {
    List<Named> traces = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--clean")) {
        double mean = Double.parseDouble(args[i + 1]);
        Path file = Path.of(args[i + 2]);
        traces.add(new Named(name(file) + " scaled to " + (long) mean, scaled(CarbonTrace.read(file), mean)));
        i += 2;
      } else {
        Path file = Path.of(args[i]);
        traces.add(new Named(name(file), CarbonTrace.read(file)));
      }
    }
    StringBuilder atHalf = new StringBuilder("""
        | trace | mean g/kWh | GPU | published carbon | published time | adaptive carbon | adaptive time | adaptive minus published frontier at equal time |
        |---|---|---|---|---|---|---|---|
        """);
    StringBuilder sweeps = new StringBuilder("| trace | GPU | reference |");
    StringBuilder rule = new StringBuilder("|---|---|---|");
    for (double eta : ETAS) {
      sweeps.append(String.format(Locale.ROOT, " eta %.1f |", eta));
      rule.append("---|");
    }
    sweeps.append('\n').append(rule).append('\n');
    long began = System.nanoTime();
    for (Named t : traces) {
      double mean = t.trace().mean().gramsPerKwh();
      for (String family : List.of("a40", "v100")) {
        Simulator sim = Simulator.create(t.trace(), PolicyMatrix.gpu(family),
            ZeusProfiles.bundled(family).profile("imagenet/resnet50", 256));
        double epochs = PolicyMatrix.dayOfWork(sim);
        List<Instant> starts = PolicyMatrix.dailyStarts(sim, epochs);
        Experiment ex = Experiment.of(sim, starts, epochs);
        List<Result> published = new ArrayList<>();
        List<Result> adaptive = new ArrayList<>();
        for (double eta : ETAS) {
          published.add(ex.measure(Contenders.chase(ChaseSettings.DEFAULTS.withEta(eta)), false));
          adaptive.add(ex.measure(Contenders.chaseAdaptive(eta), false));
        }
        String gpu = family.toUpperCase(Locale.ROOT);
        Result p = published.get(4);
        Result a = adaptive.get(4);
        atHalf.append(String.format(Locale.ROOT, "| %s | %.0f | %s | %+.1f %% | %+.2f %% | %+.1f %% | %+.2f %% | %s |%n",
            t.name(), mean, gpu, p.carbonChangePercent(), p.timeChangePercent(), a.carbonChangePercent(),
            a.timeChangePercent(), gap(published, adaptive)));
        sweeps.append(row(t.name(), gpu, "published", published)).append(row(t.name(), gpu, "adaptive", adaptive));
        System.err.printf(Locale.ROOT, "%s, %s: %d jobs%n", t.name(), gpu, starts.size());
      }
    }
    System.out.print("### Eta 0.5\n\n" + atHalf + "\n### Eta sweep (carbon change / time change, %)\n\n" + sweeps);
    System.err.printf(Locale.ROOT, "%.1f s%n", (System.nanoTime() - began) / 1e9);
  }

  /**
   * Where the adaptive sweep lies against the published sweep's frontier at the same time change,
   * over the adaptive points within the published sweep's range of time: negative is less carbon.
   */
  private static String gap(List<Result> published, List<Result> adaptive) {
    List<Result> frontier = Frontier.of(published);
    double slowest = frontier.isEmpty() ? 0 : frontier.get(frontier.size() - 1).timeChangePercent();
    double least = Double.POSITIVE_INFINITY;
    double most = Double.NEGATIVE_INFINITY;
    for (Result a : adaptive) {
      if (a.timeChangePercent() > slowest + 1e-9 || a.timeChangePercent() < 1e-9) {
        continue;
      }
      double d = a.carbonChangePercent() - Frontier.carbonAt(frontier, a.timeChangePercent());
      least = Math.min(least, d);
      most = Math.max(most, d);
    }
    return least == Double.POSITIVE_INFINITY
        ? "none within (published slows at most " + String.format(Locale.ROOT, "%.2f %%)", slowest)
        : String.format(Locale.ROOT, "%+.2f to %+.2f pp", least, most);
  }

  private static String row(String trace, String gpu, String reference, List<Result> sweep) {
    StringBuilder row = new StringBuilder("| " + trace + " | " + gpu + " | " + reference + " |");
    for (Result r : sweep) {
      row.append(String.format(Locale.ROOT, " %+.1f / %+.1f |", r.carbonChangePercent(), r.timeChangePercent()));
    }
    return row.append('\n').toString();
  }

  private static String name(Path file) {
    return file.getFileName().toString().replaceFirst("_hourly\\.csv$", "").replaceFirst("\\.csv$", "");
  }

  /** The trace with every intensity multiplied so that its mean is {@code mean}: the same shape, cleaner. */
  private static CarbonTrace scaled(CarbonTrace trace, double mean) {
    double factor = mean / trace.mean().gramsPerKwh();
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (CarbonTrace.Slot s : trace.slots()) {
      slots.add(new CarbonTrace.Slot(s.start(), s.end(),
          CarbonIntensity.gramsPerKwh(s.intensity().gramsPerKwh() * factor), s.estimated()));
    }
    return CarbonTrace.of(trace.zone().orElse(null), slots);
  }
}
