package io.carbongovernor.daemon.cli;

import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.sim.Experiment;
import io.carbongovernor.policy.sim.Frontier;
import io.carbongovernor.policy.sim.Result;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code simulate} prints: one row per chosen policy, then every knob sweep with its
 * frontier marked. JSON and CSV rows carry {@code policy, knob, carbon_g, energy_kwh, time_h,
 * carbon_change_pct, time_change_pct, oracle_fraction}, plus {@code sweep} (false for the chosen
 * policies' rows) and {@code frontier}.
 */
final class SimulationOutput {

  static final List<String> KEYS =
      List.of("policy", "knob", "carbon_g", "energy_kwh", "time_h", "carbon_change_pct", "time_change_pct",
          "oracle_fraction", "sweep", "frontier");

  private final Experiment experiment;
  private final Path trace;
  private final PowerProfile profile;
  private final List<Result> main;
  private final Map<String, List<Result>> sweeps;
  private final Set<Result> onFrontier = new HashSet<>();

  SimulationOutput(Experiment experiment, Path trace, PowerProfile profile, List<Result> main,
      Map<String, List<Result>> sweeps) {
    this.experiment = experiment;
    this.trace = trace;
    this.profile = profile;
    this.main = main;
    this.sweeps = sweeps;
    sweeps.values().forEach(s -> onFrontier.addAll(Frontier.of(s)));
  }

  void text(PrintWriter out) {
    var sim = experiment.simulator();
    out.printf(Locale.ROOT, "trace     %s (%s to %s)%n", trace, sim.traceStart(), sim.traceEnd());
    out.printf(Locale.ROOT, "profile   %s; GPU %s, limits %s, full speed at %s%n", profile.source(),
        sim.gpu().name(), sim.gpu().constraints(), sim.gpu().defaultLimit());
    out.printf(Locale.ROOT, "jobs      %d of %s epochs (%.2f h at full speed), first at %s%n",
        experiment.starts().size(), number(experiment.epochs()), sim.fullSpeedSeconds(experiment.epochs()) / 3600,
        experiment.starts().get(0));
    out.println();
    header(out);
    main.forEach(r -> row(out, r, ""));
    out.println();
    out.println("knob sweeps (* on the policy's carbon/time frontier)");
    header(out);
    for (List<Result> sweep : sweeps.values()) {
      sweep.forEach(r -> row(out, r, onFrontier.contains(r) ? "*" : ""));
    }
  }

  private static void header(PrintWriter out) {
    out.printf(Locale.ROOT, "%-10s %-17s %12s %11s %10s %9s %8s %7s%n",
        "policy", "knob", "carbon_g", "energy_kwh", "time_h", "carbon", "time", "oracle");
  }

  private static void row(PrintWriter out, Result r, String mark) {
    out.printf(Locale.ROOT, "%-10s %-17s %12.1f %11.2f %10.2f %+8.2f%% %+7.2f%% %7s %s%n",
        r.contender().name(), r.contender().knob(), r.totals().grams(), r.totals().kilowattHours(),
        r.totals().hours(), r.carbonChangePercent(), r.timeChangePercent(),
        Double.isNaN(r.oracleFraction()) ? "-" : String.format(Locale.ROOT, "%.3f", r.oracleFraction()), mark);
  }

  void json(PrintWriter out) {
    ArrayNode rows = JsonNodeFactory.instance.arrayNode();
    main.forEach(r -> rows.add(json(r, false)));
    for (List<Result> sweep : sweeps.values()) {
      sweep.forEach(r -> rows.add(json(r, true)));
    }
    out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
  }

  private ObjectNode json(Result r, boolean sweep) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("policy", r.contender().name());
    if (r.contender().knob().isEmpty()) {
      o.putNull("knob");
    } else {
      o.put("knob", r.contender().knob());
    }
    o.put("carbon_g", round(r.totals().grams(), 3));
    o.put("energy_kwh", round(r.totals().kilowattHours(), 6));
    o.put("time_h", round(r.totals().hours(), 4));
    o.put("carbon_change_pct", round(r.carbonChangePercent(), 4));
    o.put("time_change_pct", round(r.timeChangePercent(), 4));
    if (Double.isNaN(r.oracleFraction())) {
      o.putNull("oracle_fraction");
    } else {
      o.put("oracle_fraction", round(r.oracleFraction(), 5));
    }
    o.put("sweep", sweep);
    o.put("frontier", onFrontier.contains(r));
    return o;
  }

  void csv(PrintWriter out) {
    out.println(String.join(",", KEYS));
    main.forEach(r -> csv(out, r, false));
    for (List<Result> sweep : sweeps.values()) {
      sweep.forEach(r -> csv(out, r, true));
    }
  }

  private void csv(PrintWriter out, Result r, boolean sweep) {
    out.printf(Locale.ROOT, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s%n",
        r.contender().name(), r.contender().knob(),
        plain(r.totals().grams(), 3), plain(r.totals().kilowattHours(), 6), plain(r.totals().hours(), 4),
        plain(r.carbonChangePercent(), 4), plain(r.timeChangePercent(), 4),
        Double.isNaN(r.oracleFraction()) ? "" : plain(r.oracleFraction(), 5),
        sweep, onFrontier.contains(r));
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
