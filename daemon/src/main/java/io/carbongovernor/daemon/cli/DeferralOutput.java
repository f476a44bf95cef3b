package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.Durations;
import io.carbongovernor.policy.sim.DeferResult;
import io.carbongovernor.policy.sim.DeferralExperiment;
import io.carbongovernor.policy.sim.Simulator;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code simulate --slack} prints: one row per contender. JSON and CSV rows carry {@link
 * #KEYS}; {@code oracle_share} is the share of the oracle's reduction against run-now.
 */
final class DeferralOutput {

  static final List<String> KEYS =
      List.of("contender", "carbon_g", "energy_kwh", "time_h", "carbon_change_pct", "oracle_share", "mean_delay_h",
          "late_starts", "missed_deadlines");

  private final DeferralExperiment experiment;
  private final Simulator simulator;
  private final Path trace;
  private final List<DeferResult> results;
  private final double budget;

  DeferralOutput(DeferralExperiment experiment, Simulator simulator, Path trace, List<DeferResult> results,
      double budget) {
    this.experiment = experiment;
    this.simulator = simulator;
    this.trace = trace;
    this.results = results;
    this.budget = budget;
  }

  void text(PrintWriter out) {
    out.printf(Locale.ROOT, "trace     %s (%s to %s)%n", trace, simulator.traceStart(), simulator.traceEnd());
    out.printf(Locale.ROOT, "profile   %s; GPU %s, limits %s, full speed at %s%n", simulator.profile().source(),
        simulator.gpu().name(), simulator.gpu().constraints(), simulator.gpu().defaultLimit());
    out.printf(Locale.ROOT, "jobs      %d of %s epochs (%.2f h at full speed), %s of slack, first arriving at %s%n",
        experiment.arrivals().size(), number(experiment.epochs()),
        simulator.fullSpeedSeconds(experiment.epochs()) / 3600, Durations.format(experiment.slack()),
        experiment.arrivals().get(0));
    out.printf(Locale.ROOT, "budget    %s%% for forecast and the oracle; every contender finishes by each job's deadline%n",
        number(budget));
    out.println();
    out.printf(Locale.ROOT, "%-15s %12s %11s %10s %9s %7s %8s %5s %6s%n",
        "contender", "carbon_g", "energy_kwh", "time_h", "carbon", "oracle", "delay_h", "late", "missed");
    for (DeferResult r : results) {
      out.printf(Locale.ROOT, "%-15s %12.1f %11.2f %10.2f %+8.2f%% %7s %8.2f %5d %6d%n",
          r.contender().name(), r.totals().grams(), r.totals().kilowattHours(), r.totals().hours(),
          r.carbonChangePercent(), Double.isNaN(r.oracleShare()) ? "-" : String.format(Locale.ROOT, "%.3f", r.oracleShare()),
          r.meanDelayHours(), r.lateStarts(), r.missedDeadlines());
    }
  }

  void json(PrintWriter out) {
    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    for (DeferResult r : results) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("contender", r.contender().name());
      o.put("carbon_g", round(r.totals().grams(), 3));
      o.put("energy_kwh", round(r.totals().kilowattHours(), 6));
      o.put("time_h", round(r.totals().hours(), 4));
      o.put("carbon_change_pct", round(r.carbonChangePercent(), 4));
      if (Double.isNaN(r.oracleShare())) {
        o.putNull("oracle_share");
      } else {
        o.put("oracle_share", round(r.oracleShare(), 5));
      }
      o.put("mean_delay_h", round(r.meanDelayHours(), 4));
      o.put("late_starts", r.lateStarts());
      o.put("missed_deadlines", r.missedDeadlines());
      rows.add(o);
    }
    out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
  }

  void csv(PrintWriter out) {
    out.println(String.join(",", KEYS));
    for (DeferResult r : results) {
      out.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%s,%d,%d%n", r.contender().name(),
          plain(r.totals().grams(), 3), plain(r.totals().kilowattHours(), 6), plain(r.totals().hours(), 4),
          plain(r.carbonChangePercent(), 4), Double.isNaN(r.oracleShare()) ? "" : plain(r.oracleShare(), 5),
          plain(r.meanDelayHours(), 4), r.lateStarts(), r.missedDeadlines());
    }
  }

  private static double round(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
  }

  private static String plain(double value, int places) {
    return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : String.format(Locale.ROOT, "%.2f", value);
  }
}
