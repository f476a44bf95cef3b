package io.carbongovernor.daemon.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A table for a terminal; each figure in the unit that suits its size. */
final class TextReport {

  private TextReport() {}

  private static final List<String> HEADINGS = List.of(
      "ENERGY", "CO2E", "BASELINE", "AVOIDED", "AVOIDED_%", "EXTRA_GPU_TIME", "SLOWDOWN_%", "AVG_G/KWH", "THROTTLED_%");

  static String render(Report r) {
    StringBuilder out = new StringBuilder();
    out.append("Carbon Governor report ").append(r.range().label()).append(r.scope()).append('\n');
    if (r.empty()) {
      out.append("No history in this range.\n");
      return out.toString();
    }
    List<List<String>> table = new ArrayList<>();
    List<String> heading = new ArrayList<>();
    heading.add(r.by().word().toUpperCase(Locale.ROOT));
    heading.addAll(HEADINGS);
    table.add(heading);
    for (Report.Row row : r.rows()) {
      table.add(cells(row.label(), row.totals()));
    }
    table.add(cells("TOTAL", r.totals()));
    int[] widths = new int[heading.size()];
    for (List<String> line : table) {
      for (int c = 0; c < line.size(); c++) {
        widths[c] = Math.max(widths[c], line.get(c).length());
      }
    }
    for (List<String> line : table) {
      StringBuilder l = new StringBuilder();
      for (int c = 0; c < line.size(); c++) {
        String cell = line.get(c);
        // The key (whole, never cut: GPU UUIDs differ at the end) left, figures right.
        l.append(c == 0 ? cell + " ".repeat(widths[c] - cell.length()) : "  " + " ".repeat(widths[c] - cell.length()) + cell);
      }
      out.append(l.toString().stripTrailing()).append('\n');
    }
    if (r.totals().unknownEnergyMj() > 0) {
      out.append(Amounts.energy(r.totals().unknownEnergyKwh())).append(" drawn while no intensity was known (not in CO2e).\n");
    }
    out.append("Baselines from profiles: ");
    int i = 0;
    for (Map.Entry<String, Double> e : r.profileSourceEnergyShare().entrySet()) {
      out.append(i++ > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100 * e.getValue()));
    }
    out.append(" of energy.\n");
    return out.toString();
  }

  private static List<String> cells(String key, Totals t) {
    return List.of(key, Amounts.energy(t.energyKwh()), Amounts.mass(t.emissionsG()), Amounts.mass(t.baselineG()),
        Amounts.mass(t.baselineG() - t.emissionsG()), f(t.avoidedPercent(), 1), Amounts.duration(t.extraGpuHours()),
        f(t.slowdownPercent(), 1), f(t.averageIntensity(), 0), f(t.throttledPercent(), 1));
  }

  private static String f(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
