package io.carbongovernor.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.history.HistoryHealth;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.SimulatedGpus;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The shipped dashboard and alert rules query only series the daemon exports: renaming a metric
 * without them fails here. (promtool checks the rules' syntax and unit tests in MetricsProcessIT.)
 */
class OpsFilesTest {

  private static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();
  private static final Pattern OWN = Pattern.compile("carbon_governor_[a-z0-9_]+");

  @TempDir Path dir;

  /** Every series name the registry can expose, with the suffixes counters and histograms get. */
  private Set<String> exported() {
    GuardedGpuControl gpus = GuardedGpuControl.create(
        SimulatedGpus.builder().count(1).clock(Clock.systemUTC()).build(), Ledger.open(dir));
    try {
      DaemonMetrics metrics = DaemonMetrics.create(gpus, List::of, () -> HistoryHealth.NONE);
      Set<String> names = new TreeSet<>();
      for (MetricSnapshot s : metrics.registry().scrape()) {
        String name = s.getMetadata().getPrometheusName();
        if (s instanceof CounterSnapshot) {
          names.add(name + "_total");
        } else if (s instanceof HistogramSnapshot) {
          names.addAll(List.of(name + "_bucket", name + "_count", name + "_sum"));
        } else {
          names.add(name);
        }
      }
      return names;
    } finally {
      gpus.close();
    }
  }

  private static Set<String> referenced(List<String> expressions) {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions) {
      Matcher m = OWN.matcher(expr);
      while (m.find()) {
        names.add(m.group());
      }
    }
    return names;
  }

  @Test
  void theDashboardQueriesExportedSeriesOnly() throws IOException {
    JsonNode dashboard = JsonMapper.builder().build().readTree(
        Files.readString(OPS.resolve("grafana").resolve("carbon-governor-dashboard.json")));
    List<String> expressions = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        expressions.add(target.get("expr").asString());
      }
    }
    assertThat(expressions).hasSizeGreaterThan(10);
    Set<String> used = referenced(expressions);
    assertThat(used).contains(
        "carbon_governor_grid_intensity_grams_per_kwh", "carbon_governor_gpu_power_limit_watts",
        "carbon_governor_gpu_power_watts", "carbon_governor_team_emissions_grams_total",
        "carbon_governor_tick_duration_seconds_bucket", "carbon_governor_source_up");
    assertThat(exported()).containsAll(used);
  }

  @Test
  void theAlertRulesQueryExportedSeriesOnly() throws IOException {
    JsonNode rules = new YAMLMapper().readTree(
        Files.readString(OPS.resolve("prometheus").resolve("carbon-governor-alerts.yaml")));
    List<String> expressions = new ArrayList<>();
    for (JsonNode group : rules.get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        expressions.add(rule.get("expr").asString());
      }
    }
    Set<String> used = referenced(expressions);
    assertThat(used).contains("carbon_governor_gpu_original_power_limit_watts", "carbon_governor_fail_safe_engaged");
    assertThat(exported()).containsAll(used);
  }
}
