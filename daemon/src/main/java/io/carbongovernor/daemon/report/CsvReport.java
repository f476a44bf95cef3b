package io.carbongovernor.daemon.report;

import java.util.Locale;

/** One line per group and a total line, for spreadsheets. */
final class CsvReport {

  private CsvReport() {}

  static String render(Report r) {
    StringBuilder out = new StringBuilder();
    out.append(r.by().word()).append(
        ",energy_kwh,emissions_kg,baseline_kg,avoided_kg,avoided_pct,extra_gpu_hours,slowdown_pct,"
            + "avg_intensity_g_per_kwh,throttled_pct,unknown_intensity_kwh\n");
    for (Report.Row row : r.rows()) {
      line(out, row.key(), row.totals());
    }
    if (!r.empty()) {
      line(out, "TOTAL", r.totals());
    }
    return out.toString();
  }

  private static void line(StringBuilder out, String key, Totals t) {
    out.append(quote(key)).append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%.3f,%.4f,%.3f,%s,%.3f,%.6f%n",
        t.energyKwh(), t.emissionsKg(), t.baselineKg(), t.avoidedKg(), t.avoidedPercent(), t.extraGpuHours(),
        t.slowdownPercent(), Double.isNaN(t.averageIntensity()) ? "" : String.format(Locale.ROOT, "%.2f", t.averageIntensity()),
        t.throttledPercent(), t.unknownEnergyKwh()));
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
