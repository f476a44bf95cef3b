package io.carbongovernor.daemon.report;

import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Totals, rows, profile sources and the method, for other programs: fixed units, each named in
 * its field; {@code from} and {@code to} are the instants queried ({@code to} excluded), {@code
 * period} the range as people read it.
 */
final class JsonReport {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private JsonReport() {}

  static String render(Report r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("period", r.range().label());
    root.put("from", r.from().toString());
    root.put("to", r.to().toString());
    r.team().ifPresent(t -> root.put("team", t));
    r.job().ifPresent(j -> root.put("job", j));
    r.node().ifPresent(n -> root.put("node", n));
    root.put("by", r.by().word());
    root.put("empty", r.empty());
    root.set("totals", totals(r.totals()));
    ArrayNode rows = root.putArray("rows");
    for (Report.Row row : r.rows()) {
      ObjectNode n = totals(row.totals());
      n.put("key", row.key());
      if (r.by() == Breakdown.GPU) {
        ArrayNode indices = n.putArray("gpu_indices");
        row.gpuIndices().forEach(indices::add);
      }
      rows.add(n);
    }
    ObjectNode sources = root.putObject("profile_source_energy_share");
    for (Map.Entry<String, Double> e : r.profileSourceEnergyShare().entrySet()) {
      sources.put(e.getKey(), e.getValue());
    }
    root.put("method", Method.TEXT);
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static ObjectNode totals(Totals t) {
    ObjectNode n = JSON.createObjectNode();
    n.put("energy_kwh", t.energyKwh());
    n.put("emissions_kg", t.emissionsKg());
    n.put("baseline_kg", t.baselineKg());
    n.put("avoided_kg", t.avoidedKg());
    n.put("avoided_pct", t.avoidedPercent());
    n.put("extra_gpu_hours", t.extraGpuHours());
    n.put("slowdown_pct", t.slowdownPercent());
    if (Double.isNaN(t.averageIntensity())) {
      n.putNull("avg_intensity_g_per_kwh");
    } else {
      n.put("avg_intensity_g_per_kwh", t.averageIntensity());
    }
    n.put("throttled_pct", t.throttledPercent());
    n.put("unknown_intensity_kwh", t.unknownEnergyKwh());
    return n;
  }
}
