package io.carbongovernor.daemon.report;

import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One line per group and a total line, for spreadsheets: fixed units, each named in its column,
 * whatever the size of the figures. Grouped by GPU, a {@code gpu_indices} column follows the
 * UUID (space-separated: a GPU's index can change across reboots).
 */
final class CsvReport {

  private CsvReport() {}

  static String render(Report r) {
    boolean byGpu = r.by() == Breakdown.GPU;
    StringBuilder out = new StringBuilder();
    out.append(r.by().word()).append(byGpu ? ",gpu_indices" : "").append(
        ",energy_kwh,emissions_kg,baseline_kg,avoided_kg,avoided_pct,extra_gpu_hours,slowdown_pct,"
            + "avg_intensity_g_per_kwh,throttled_pct,unknown_intensity_kwh\n");
    for (Report.Row row : r.rows()) {
      out.append(quote(row.key()));
      if (byGpu) {
        out.append(',').append(row.gpuIndices().stream().map(String::valueOf).collect(Collectors.joining(" ")));
      }
      line(out, row.totals());
    }
    if (!r.empty()) {
      out.append("TOTAL").append(byGpu ? "," : "");
      line(out, r.totals());
    }
    return out.toString();
  }

  private static void line(StringBuilder out, Totals t) {
    out.append(String.format(Locale.ROOT, ",%.6f,%.6f,%.6f,%.6f,%.3f,%.4f,%.3f,%s,%.3f,%.6f%n",
        t.energyKwh(), t.emissionsKg(), t.baselineKg(), t.avoidedKg(), t.avoidedPercent(), t.extraGpuHours(),
        t.slowdownPercent(), Double.isNaN(t.averageIntensity()) ? "" : String.format(Locale.ROOT, "%.2f", t.averageIntensity()),
        t.throttledPercent(), t.unknownEnergyKwh()));
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
