package io.carbongovernor.daemon.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * One self-contained HTML file: the totals, the table, inline SVG charts drawn here (no script,
 * no library, nothing fetched), the method and the profile sources. The charts cover the span
 * of history in the range, summed per minute, hour, day or week as that span grows: grid
 * intensity and power limit; emissions, baseline and avoided emissions per team; and the extra
 * GPU time per team.
 */
final class HtmlReport {

  private HtmlReport() {}

  private static final String[] TEAM_COLOURS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"};
  private static final String INTENSITY = "#c0392b";
  private static final String LIMIT = "#2c7fb8";
  private static final String BASELINE = "#666666";
  private static final String EMISSIONS = "#d95f02";
  private static final String AVOIDED = "#1b9e77";
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  static String render(Report r) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Carbon Governor report ").append(Html.esc(r.range().label())).append("</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em auto;max-width:920px;padding:0 1em;color:#222}")
        .append("h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{font-size:100%;margin:1.2em 0 .3em}")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:92%}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:right}td{white-space:nowrap}")
        .append("td:first-child,th:first-child{text-align:left;font-family:ui-monospace,monospace;font-size:95%}tr.total td{font-weight:bold}")
        .append("p.note{color:#555;font-size:92%}p.method{max-width:60em;font-size:90%;color:#444}svg.chart{display:block;max-width:100%;height:auto}")
        .append("</style></head><body>\n");
    h.append("<h1>Carbon Governor report</h1>\n<p class=\"range\">")
        .append(Html.esc(r.range().label()))
        .append(Html.esc(r.scope()))
        .append("</p>\n");
    if (r.empty()) {
      h.append("<p>No history in this range.</p></body></html>\n");
      return h.toString();
    }
    Totals t = r.totals();
    h.append("<p><b>").append(Amounts.mass(t.baselineG() - t.emissionsG())).append(" CO2e avoided</b>")
        .append(String.format(Locale.ROOT, " (%.1f %% of %s baseline)", t.avoidedPercent(), Amounts.mass(t.baselineG())))
        .append(" for <b>").append(Amounts.duration(t.extraGpuHours())).append(" of extra GPU time</b>")
        .append(String.format(Locale.ROOT, " (%.1f %% slowdown); %s used", t.slowdownPercent(), Amounts.energy(t.energyKwh())))
        .append(Double.isNaN(t.averageIntensity()) ? "" : String.format(Locale.ROOT, " at %.0f gCO2e/kWh on average", t.averageIntensity()))
        .append(String.format(Locale.ROOT, "; throttled %.1f %% of the time.</p>%n", t.throttledPercent()));
    table(h, r);
    charts(h, r.timeline());
    h.append("<h2>Method</h2>\n<p class=\"method\">").append(Html.esc(Method.TEXT)).append("</p>\n<p>Baselines by profile source (share of energy): ");
    List<String> parts = new ArrayList<>();
    r.profileSourceEnergyShare().forEach((k, v) -> parts.add(Html.esc(k) + String.format(Locale.ROOT, " %.0f %%", 100 * v)));
    h.append(String.join(", ", parts)).append(".</p>\n</body></html>\n");
    return h.toString();
  }

  private static void table(StringBuilder h, Report r) {
    h.append("<table><tr><th>").append(Html.esc(r.by().word()))
        .append("</th><th>energy</th><th>CO2e</th><th>baseline</th><th>avoided</th><th>avoided %</th>")
        .append("<th>extra GPU time</th><th>slowdown %</th><th>avg g/kWh</th><th>throttled %</th></tr>\n");
    for (Report.Row row : r.rows()) {
      row(h, "", row.label(), row.totals());
    }
    row(h, " class=\"total\"", "total", r.totals());
    h.append("</table>\n");
    if (r.totals().unknownEnergyMj() > 0) {
      h.append("<p class=\"note\">").append(Amounts.energy(r.totals().unknownEnergyKwh()))
          .append(" drawn while no intensity was known (not in CO2e).</p>\n");
    }
  }

  private static void row(StringBuilder h, String cls, String key, Totals t) {
    h.append("<tr").append(cls).append("><td>").append(Html.esc(key)).append("</td>");
    for (String cell : List.of(Amounts.energy(t.energyKwh()), Amounts.mass(t.emissionsG()), Amounts.mass(t.baselineG()),
        Amounts.mass(t.baselineG() - t.emissionsG()), String.format(Locale.ROOT, "%.1f", t.avoidedPercent()),
        Amounts.duration(t.extraGpuHours()), String.format(Locale.ROOT, "%.1f", t.slowdownPercent()),
        Double.isNaN(t.averageIntensity()) ? "-" : String.format(Locale.ROOT, "%.0f", t.averageIntensity()),
        String.format(Locale.ROOT, "%.1f", t.throttledPercent()))) {
      h.append("<td>").append(Html.esc(cell)).append("</td>");
    }
    h.append("</tr>\n");
  }

  private static void charts(StringBuilder h, Timeline tl) {
    if (tl.empty()) {
      return;
    }
    String per = "per " + tl.resolution().word();
    List<String> teams = teams(tl);
    h.append("<h2>Over time</h2>\n<p class=\"note\">History of ").append(span(tl.start(), tl.end())).append(", ")
        .append(tl.resolution() == Resolution.MINUTE ? "minute by minute" : "summed " + per)
        .append("; a gap is a time without history (the daemon was not running).</p>\n");

    h.append("<h3>Grid intensity (average ").append(per).append(", weighted by energy)</h3>\n");
    h.append(chart("intensity", "grid intensity", "gCO2e/kWh", ValueAxis.Quantity.INTENSITY, tl, 200)
        .line(new StepChart.Series("grid intensity", "intensity", Optional.empty(), INTENSITY, false,
            steps(tl, s -> s.all().averageIntensity())))
        .svg());
    h.append("<h3>Power limit (average ").append(per).append(" over the GPUs' busy time)</h3>\n");
    h.append(chart("limit", "average power limit", "W per GPU", ValueAxis.Quantity.POWER, tl, 200)
        .line(new StepChart.Series("power limit", "limit", Optional.empty(), LIMIT, false, steps(tl, s -> s.all().averageLimitWatts())))
        .svg());

    h.append("<h2>Emissions, baseline and avoided, per team</h2>\n<p class=\"note\">CO2e ").append(per)
        .append(": emitted, and what the same work would have emitted at the original power limits (baseline);")
        .append(" the shaded gap between them is avoided.</p>\n");
    for (String team : teams) {
      Totals sum = teamTotals(tl, team);
      h.append("<h3>").append(Html.esc(team)).append(": ").append(Amounts.mass(sum.emissionsG())).append(" emitted, ")
          .append(Amounts.mass(sum.baselineG())).append(" baseline, ").append(Amounts.mass(sum.baselineG() - sum.emissionsG()))
          .append(String.format(Locale.ROOT, " avoided (%.1f %%)</h3>%n", sum.avoidedPercent()));
      List<StepChart.Step> baseline = steps(tl, s -> s.team(team).baselineG());
      List<StepChart.Step> emissions = steps(tl, s -> s.team(team).emissionsG());
      h.append(chart("emissions", "CO2e of team " + team, "CO2e " + per, ValueAxis.Quantity.MASS, tl, 220)
          .band(new StepChart.Band("avoided", "avoided", Optional.of(team), AVOIDED, baseline, emissions))
          .line(new StepChart.Series("baseline", "baseline", Optional.of(team), BASELINE, true, baseline))
          .line(new StepChart.Series("emissions", "emissions", Optional.of(team), EMISSIONS, false, emissions))
          .svg());
    }

    h.append("<h2>Time cost</h2>\n");
    List<String> slowed = teams.stream().filter(team -> teamTotals(tl, team).extraMs() > 0).toList();
    if (slowed.isEmpty()) {
      h.append("<p>No extra time: no work ran below full speed.</p>\n");
      return;
    }
    h.append("<p class=\"note\">GPU time ").append(per)
        .append(" beyond what the same work takes at full speed. ");
    List<String> parts = new ArrayList<>();
    for (String team : slowed) {
      Totals sum = teamTotals(tl, team);
      parts.add(Html.esc(team) + " " + Amounts.duration(sum.extraGpuHours())
          + String.format(Locale.ROOT, " (%.1f %% slowdown)", sum.slowdownPercent()));
    }
    h.append(String.join(", ", parts)).append(".</p>\n");
    StepChart time = chart("time-cost", "extra GPU time per team", "extra GPU time " + per, ValueAxis.Quantity.TIME, tl, 220);
    for (String team : slowed) {
      time.line(new StepChart.Series(team, "extra-time", Optional.of(team), TEAM_COLOURS[teams.indexOf(team) % TEAM_COLOURS.length],
          false, steps(tl, s -> s.team(team).extraMs() / 1000.0)));
    }
    h.append(time.svg());
  }

  /** A span as people say it: whole days with the last included, or times on the first day. */
  static String span(Instant start, Instant end) {
    if (start.equals(start.truncatedTo(ChronoUnit.DAYS)) && end.equals(end.truncatedTo(ChronoUnit.DAYS))) {
      Instant lastDay = end.minus(1, ChronoUnit.DAYS);
      return (lastDay.equals(start) ? DATE.format(start) : DATE.format(start) + " to " + DATE.format(lastDay)) + " (UTC)";
    }
    boolean sameDay = start.truncatedTo(ChronoUnit.DAYS).equals(end.minusMillis(1).truncatedTo(ChronoUnit.DAYS));
    return WHEN.format(start) + " to " + (sameDay ? CLOCK.format(end) : WHEN.format(end)) + " UTC";
  }

  private static StepChart chart(String id, String title, String caption, ValueAxis.Quantity q, Timeline tl, int height) {
    return new StepChart(id, title, caption, q, tl.start(), tl.end(), height);
  }

  /** Teams first, then work under the default policy and idle GPUs. */
  private static List<String> teams(Timeline tl) {
    return tl.teams().stream().sorted(Comparator.comparing((String t) -> t.startsWith("(")).thenComparing(t -> t)).toList();
  }

  private static Totals teamTotals(Timeline tl, String team) {
    return tl.slots().stream().map(s -> s.team(team)).reduce(Totals.ZERO, Totals::plus);
  }

  private static List<StepChart.Step> steps(Timeline tl, Function<Timeline.Slot, Double> value) {
    List<StepChart.Step> steps = new ArrayList<>();
    for (Timeline.Slot s : tl.slots()) {
      steps.add(new StepChart.Step(s.start(), s.end(), value.apply(s)));
    }
    return steps;
  }
}
