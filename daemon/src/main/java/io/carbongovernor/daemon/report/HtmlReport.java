package io.carbongovernor.daemon.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One self-contained HTML file: tables, two inline SVG charts, the method and the sources. */
final class HtmlReport {

  private HtmlReport() {}

  private static final int W = 900;
  private static final int H = 260;
  private static final int PAD = 48;
  private static final String[] COLOURS = {"#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"};

  static String render(Report r) {
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Carbon Governor report</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}")
        .append("td:first-child,th:first-child{text-align:left}tr.total td{font-weight:bold}")
        .append("p.method{max-width:60em;font-size:90%;color:#444}</style></head><body>\n");
    h.append("<h1>Carbon Governor report</h1>\n<p>")
        .append(esc(r.from() + " .. " + r.to()))
        .append(esc(r.team().map(t -> ", team " + t).orElse("")))
        .append(esc(r.job().map(j -> ", job " + j).orElse("")))
        .append("</p>\n");
    if (r.empty()) {
      h.append("<p>No history in this range.</p></body></html>\n");
      return h.toString();
    }
    Totals t = r.totals();
    h.append(String.format(Locale.ROOT,
        "<p><b>%.3f kg CO2e avoided</b> (%.1f %% of %.3f kg baseline) for <b>%.2f extra GPU-hours</b>"
            + " (%.1f %% slowdown); %.3f kWh used at %.0f gCO2e/kWh on average; throttled %.1f %% of the time.</p>%n",
        t.avoidedKg(), t.avoidedPercent(), t.baselineKg(), t.extraGpuHours(), t.slowdownPercent(), t.energyKwh(),
        Double.isNaN(t.averageIntensity()) ? 0.0 : t.averageIntensity(), t.throttledPercent()));
    h.append("<table><tr><th>").append(esc(r.by().word()))
        .append("</th><th>energy kWh</th><th>CO2e kg</th><th>baseline kg</th><th>avoided kg</th><th>avoided %</th>")
        .append("<th>extra GPU-h</th><th>slowdown %</th><th>avg g/kWh</th><th>throttled %</th></tr>\n");
    for (Report.Row row : r.rows()) {
      row(h, "", row.key(), row.totals());
    }
    row(h, " class=\"total\"", "total", t);
    h.append("</table>\n");
    h.append("<h2>Grid intensity and power limit, hour by hour</h2>\n").append(intensityChart(r.hours()));
    h.append("<h2>Cumulative avoided emissions by team</h2>\n").append(avoidedChart(r.avoidedByTeamAndDay()));
    h.append("<h2>Method</h2>\n<p class=\"method\">").append(esc(Method.TEXT)).append("</p>\n<p>Baselines by profile source (share of energy): ");
    List<String> parts = new ArrayList<>();
    r.profileSourceEnergyShare().forEach((k, v) -> parts.add(esc(k) + String.format(Locale.ROOT, " %.0f %%", 100 * v)));
    h.append(String.join(", ", parts)).append(".</p>\n</body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String cls, String key, Totals t) {
    h.append("<tr").append(cls).append("><td>").append(esc(key)).append("</td>")
        .append(String.format(Locale.ROOT,
            "<td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.3f</td><td>%.1f</td><td>%.2f</td><td>%.1f</td><td>%s</td><td>%.1f</td></tr>%n",
            t.energyKwh(), t.emissionsKg(), t.baselineKg(), t.avoidedKg(), t.avoidedPercent(), t.extraGpuHours(),
            t.slowdownPercent(), Double.isNaN(t.averageIntensity()) ? "-" : String.format(Locale.ROOT, "%.0f", t.averageIntensity()),
            t.throttledPercent()));
  }

  private static String intensityChart(List<Report.HourPoint> hours) {
    if (hours.isEmpty()) {
      return "<p>No hourly data.</p>\n";
    }
    double maxI = hours.stream().mapToDouble(Report.HourPoint::intensity).filter(d -> !Double.isNaN(d)).max().orElse(1);
    double maxL = hours.stream().mapToDouble(Report.HourPoint::limitWatts).filter(d -> !Double.isNaN(d)).max().orElse(1);
    StringBuilder s = svgStart("grid intensity (gCO2e/kWh, left) and average power limit (W, right)");
    axes(s, maxI, "g/kWh", maxL);
    s.append(polyline(hours.size(), i -> hours.get(i).intensity() / maxI, "#c0392b"));
    s.append(polyline(hours.size(), i -> hours.get(i).limitWatts() / maxL, "#2c7fb8"));
    s.append(legend(List.of("intensity", "power limit"), List.of("#c0392b", "#2c7fb8")));
    return s.append("</svg>\n").toString();
  }

  private static String avoidedChart(Map<String, List<Report.DayPoint>> byTeam) {
    List<String> days = byTeam.values().stream().flatMap(List::stream).map(Report.DayPoint::day).distinct().sorted().toList();
    if (days.isEmpty()) {
      return "<p>No daily data.</p>\n";
    }
    List<String> teams = new ArrayList<>(byTeam.keySet());
    List<double[]> cumulative = new ArrayList<>();
    double max = 0;
    double min = 0;
    for (String team : teams) {
      double[] c = new double[days.size()];
      double sum = 0;
      for (int d = 0; d < days.size(); d++) {
        String day = days.get(d);
        sum += byTeam.get(team).stream().filter(p -> p.day().equals(day)).mapToDouble(Report.DayPoint::avoidedG).sum() / 1000.0;
        c[d] = sum;
        max = Math.max(max, sum);
        min = Math.min(min, sum);
      }
      cumulative.add(c);
    }
    double top = max;
    double bottom = min;
    double span = top - bottom > 0 ? top - bottom : 1;
    StringBuilder s = svgStart("cumulative avoided emissions (kg CO2e) per team");
    axes(s, top, "kg", Double.NaN);
    List<String> colours = new ArrayList<>();
    for (int i = 0; i < teams.size(); i++) {
      double[] c = cumulative.get(i);
      String colour = COLOURS[i % COLOURS.length];
      colours.add(colour);
      s.append(polyline(days.size(), d -> (c[d] - bottom) / span, colour));
    }
    s.append(legend(teams, colours));
    return s.append("</svg>\n").toString();
  }

  private static StringBuilder svgStart(String title) {
    return new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">"
            + "<title>%s</title><rect width=\"100%%\" height=\"100%%\" fill=\"#fafafa\"/>",
        W, H, W, H, esc(title)));
  }

  private static void axes(StringBuilder s, double leftMax, String leftUnit, double rightMax) {
    s.append(String.format(Locale.ROOT,
        "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>"
            + "<text x=\"4\" y=\"%d\" font-size=\"11\">%.0f %s</text><text x=\"4\" y=\"%d\" font-size=\"11\">0</text>",
        PAD, PAD / 2, PAD, H - PAD, PAD, H - PAD, W - PAD, H - PAD, PAD / 2 - 4, leftMax, esc(leftUnit), H - PAD));
    if (!Double.isNaN(rightMax)) {
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.0f W</text>", W - PAD + 4, PAD / 2 + 4, rightMax));
    }
  }

  private interface Y {
    double at(int i);
  }

  /** A line through {@code n} points spread over the plot; values are fractions of the height. */
  private static String polyline(int n, Y y, String colour) {
    StringBuilder p = new StringBuilder("<polyline fill=\"none\" stroke-width=\"1.2\" stroke=\"").append(colour).append("\" points=\"");
    double plotW = W - 2.0 * PAD;
    double plotH = H - 1.5 * PAD;
    for (int i = 0; i < n; i++) {
      double v = y.at(i);
      if (Double.isNaN(v)) {
        continue;
      }
      double x = PAD + (n == 1 ? 0 : plotW * i / (n - 1));
      p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, H - PAD - plotH * v));
    }
    return p.append("\"/>").toString();
  }

  private static String legend(List<String> names, List<String> colours) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      int x = PAD + 140 * i;
      s.append(String.format(Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>",
          x, H - 18, colours.get(i), x + 14, H - 9, esc(names.get(i))));
    }
    return s.toString();
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
