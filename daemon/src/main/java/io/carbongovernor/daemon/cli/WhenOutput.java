package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.Durations;
import io.carbongovernor.policy.defer.DeferredJob;
import io.carbongovernor.policy.defer.StartPlan;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** What {@code when} says beside the start: the plan's times, expectations and what they rest on. */
final class WhenOutput {

  private final StartPlan plan;
  private final DeferredJob job;
  private final ZoneId zone;
  private final WhenCommand.Known known;

  WhenOutput(StartPlan plan, DeferredJob job, ZoneId zone, WhenCommand.Known known) {
    this.plan = plan;
    this.job = job;
    this.zone = zone;
    this.known = known;
  }

  private String local(Instant t) {
    return WhenCommand.LOCAL.format(t.truncatedTo(ChronoUnit.SECONDS).atZone(zone));
  }

  /** Lines for standard error. */
  void details(PrintWriter err) {
    Duration wait = Duration.between(plan.madeAt(), plan.start()).truncatedTo(ChronoUnit.MINUTES);
    err.printf(Locale.ROOT, "start     %s %s (%s)%n", local(plan.start()), zone.getId(),
        wait.isZero() ? "now" : "in " + Durations.format(wait));
    err.printf(Locale.ROOT, "latest    %s (deadline %s)%n", local(plan.latestStart()), local(job.deadline()));
    if (plan.expectedAtStart().isPresent()) {
      err.printf(Locale.ROOT, "expected  %.0f g/kWh over the run, against %.0f g/kWh starting now (%+.1f %%)%n",
          plan.expectedAtStart().getAsDouble(), plan.expectedNow().getAsDouble(),
          plan.changePercent().orElse(0));
    } else {
      err.println("expected  nothing known: no signal, forecast or history; starting at once");
    }
    err.printf(Locale.ROOT, "basis     %s from %s%n", words(plan.basis()), known.from());
    for (String p : known.problems()) {
      err.println("problem   " + p);
    }
  }

  private static String words(StartPlan.Basis basis) {
    return switch (basis) {
      case FORECAST -> "the forecast";
      case PARTIAL_FORECAST -> "the forecast, then history where it ends";
      case HISTORY -> "history only (no forecast)";
      case NONE -> "nothing";
      case LATEST_START -> "the latest feasible start has come";
    };
  }

  /** One object on standard output. */
  void json(PrintWriter out) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("start", local(plan.start()));
    o.put("start_utc", plan.start().truncatedTo(ChronoUnit.SECONDS).toString());
    o.put("time_zone", zone.getId());
    o.put("latest_start", local(plan.latestStart()));
    o.put("deadline", local(job.deadline()));
    o.put("wait_s", Duration.between(plan.madeAt(), plan.start()).toSeconds());
    number(o, "expected_g_per_kwh", plan.expectedAtStart().isPresent() ? plan.expectedAtStart().getAsDouble() : Double.NaN);
    number(o, "now_g_per_kwh", plan.expectedNow().isPresent() ? plan.expectedNow().getAsDouble() : Double.NaN);
    number(o, "change_pct", plan.changePercent().isPresent() ? plan.changePercent().getAsDouble() : Double.NaN);
    o.put("basis", plan.basis().word());
    o.put("source", known.from());
    ArrayNode problems = o.putArray("problems");
    known.problems().forEach(problems::add);
    out.println(JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(o));
  }

  private static void number(ObjectNode o, String key, double value) {
    if (Double.isNaN(value)) {
      o.putNull(key);
    } else {
      o.put(key, BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_EVEN).doubleValue());
    }
  }
}
