package io.carbongovernor.bench.policy;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceColumn;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ForecastSettings.BudgetScope;
import io.carbongovernor.policy.sim.Contenders;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Result;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;

/**
 * A team's frontier against Chase's in steady state: the year simulated with the year before it
 * as history, as a daemon that has run for a year holds it, next to the same year simulated cold
 * (nothing before 1 January). Usage: {@code SteadyStateFrontier OUT.md TRACE COLUMN HISTORY}; the
 * page has a line {@code {{header}}} where {@code bench/steady-state} puts what it was run on.
 */
public final class SteadyStateFrontier {

  private SteadyStateFrontier() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4) {
      System.err.println("usage: SteadyStateFrontier OUT.md TRACE direct|lifecycle HISTORY");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Path tracePath = Path.of(args[1]);
    TraceColumn column = TraceColumn.fromWord(args[2]);
    Path historyPath = Path.of(args[3]);
    CarbonTrace trace = CarbonTrace.read(tracePath, column);
    CarbonTrace history = CarbonTrace.read(historyPath);
    long began = System.nanoTime();
    StringBuilder rows = new StringBuilder();
    for (String family : List.of("a40", "v100")) {
      Gpu gpu = PolicyMatrix.gpu(family);
      for (String[] w : PolicyMatrix.WORKLOADS) {
        PowerProfile profile = ZeusProfiles.bundled(family).profile(w[0], Integer.parseInt(w[1]));
        Simulator cold = Simulator.create(trace, gpu, profile);
        Simulator warm = cold.withHistory(history);
        double epochs = PolicyMatrix.dayOfWork(cold);
        // The same jobs in both, from day 8 as in the matrix.
        List<Instant> starts = PolicyMatrix.dailyStarts(cold, epochs);
        String where = family.toUpperCase(Locale.ROOT) + " | " + w[0] + " bs " + w[1];
        System.err.println("simulating " + where.replace(" | ", ", ") + ": " + starts.size() + " jobs, cold and warm");
        StringBuilder row = new StringBuilder("| " + where);
        for (Simulator sim : List.of(cold, warm)) {
          Experiment ex = Experiment.of(sim, starts, epochs);
          List<Result> chases = PolicyMatrix.sweep(ex, Contenders.sweep("chase", sim.options()));
          List<Result> statics = PolicyMatrix.sweep(ex, Contenders.sweep("static", sim.options()));
          List<Result> year = PolicyMatrix.sweep(ex, Contenders.sweep("forecast", sim.options(), BudgetScope.TEAM, PolicyMatrix.YEAR));
          List<Result> weeks = PolicyMatrix.sweep(ex, Contenders.sweep("forecast", sim.options(), BudgetScope.TEAM));
          HashMap<String, Result> runs = new HashMap<>();
          row.append(" | ").append(PolicyMatrix.margin(ex, weeks, chases, runs, List.of(PolicyMatrix.Variant.TEAM)))
              .append(" | ").append(PolicyMatrix.margin(ex, year, chases, runs, List.of(PolicyMatrix.Variant.TEAM_YEAR)))
              .append(" | ").append(PolicyMatrix.margin(ex, year, statics, runs, List.of(PolicyMatrix.Variant.TEAM_YEAR)));
        }
        rows.append(row).append(" |\n");
      }
    }
    double minutes = (System.nanoTime() - began) / 6e10;
    String name = tracePath.getFileName().toString();
    StringBuilder md = new StringBuilder();
    md.append("# A team's budget in steady state\n\n");
    md.append("{{header}}\n\n");
    md.append("The simulations took ").append(String.format(Locale.ROOT, "%.1f min", minutes)).append(".\n\n");
    md.append(String.format(Locale.ROOT, """
        `%s` (%s column) simulated as in the policy matrix (one 24 h job a day from day 8, the
        same jobs throughout), twice: **cold**, with nothing before 1 January, as the matrix runs
        it; and **warm**, with `%s` as the history before it, as a daemon that ran through the
        year before would hold it (it keeps a year and a day of signals and reloads them at
        start). Only `forecast` with `budget-scope: team` reads that far back; Chase reads two days.

        **team (default)**: the default windows, the budget held over a week and its price never
        below the one over the last 366 days; once the history covers those 366 days (warm, from
        the first job), that price alone. **team (year)**: `budget-window: 366d`.

        Each cell is the largest gap, in percentage points of carbon change, between the team's
        frontier (its budget sweep and runs bracketing each point's time change, as in the
        matrix's Frontiers section) and any point of Chase's eta sweep (0 to 1 by 0.1) or the
        static caps. Zero or below: the team's frontier is at or below every such point.

        | GPU | workload | cold: team (default) minus chase | cold: team (year) minus chase | cold: team (year) minus static | warm: team (default) minus chase | warm: team (year) minus chase | warm: team (year) minus static |
        |---|---|---|---|---|---|---|---|
        """, name, column.word(), historyPath.getFileName()));
    md.append(rows);
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, md.toString());
    System.err.println("wrote " + out);
  }
}
