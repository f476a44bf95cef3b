package io.carbongovernor.daemon.report;

import java.util.Locale;
import java.util.Map;

/** A table for a terminal. */
final class TextReport {

  private TextReport() {}

  private static final String ROW = "%-28s %10s %10s %10s %10s %8s %10s %9s %9s %10s%n";

  static String render(Report r) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "Carbon Governor report %s .. %s%s%s%n", r.from(), r.to(),
        r.team().map(t -> ", team " + t).orElse(""), r.job().map(j -> ", job " + j).orElse("")));
    if (r.empty()) {
      out.append("No history in this range.\n");
      return out.toString();
    }
    out.append(String.format(Locale.ROOT, ROW, r.by().word().toUpperCase(Locale.ROOT), "ENERGY_KWH", "CO2E_KG",
        "BASE_KG", "AVOID_KG", "AVOID_%", "EXTRA_GPUH", "SLOW_%", "AVG_G/KWH", "THROTTLE_%"));
    for (Report.Row row : r.rows()) {
      line(out, row.key(), row.totals());
    }
    line(out, "TOTAL", r.totals());
    if (r.totals().unknownEnergyMj() > 0) {
      out.append(String.format(Locale.ROOT, "%.3f kWh drawn while no intensity was known (not in CO2e).%n",
          r.totals().unknownEnergyKwh()));
    }
    out.append("Baselines from profiles: ");
    int i = 0;
    for (Map.Entry<String, Double> e : r.profileSourceEnergyShare().entrySet()) {
      out.append(i++ > 0 ? ", " : "").append(String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100 * e.getValue()));
    }
    out.append(" of energy.\n");
    return out.toString();
  }

  private static void line(StringBuilder out, String key, Totals t) {
    out.append(String.format(Locale.ROOT, ROW, key.length() > 28 ? key.substring(0, 27) + "~" : key,
        f(t.energyKwh(), 3), f(t.emissionsKg(), 3), f(t.baselineKg(), 3), f(t.avoidedKg(), 3), f(t.avoidedPercent(), 1),
        f(t.extraGpuHours(), 2), f(t.slowdownPercent(), 1), f(t.averageIntensity(), 0), f(t.throttledPercent(), 1)));
  }

  private static String f(double v, int decimals) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
  }
}
