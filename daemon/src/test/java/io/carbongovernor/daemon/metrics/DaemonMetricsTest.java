package io.carbongovernor.daemon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.fleet.FleetJob;
import io.carbongovernor.daemon.fleet.FleetOutcome;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryHealth;
import io.carbongovernor.daemon.history.HistoryProblem;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.tracer.common.SpanContext;
import io.prometheus.metrics.tracer.initializer.SpanContextSupplier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exposition the daemon's metrics produce, fed with real simulated GPUs behind the real
 * safety layer and the records the loop and the sampler hand over.
 */
class DaemonMetricsTest {

  private static final Instant T0 = Instant.parse("2026-10-03T13:30:00Z");
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

  @TempDir Path dir;

  private final MutableClock clock = new MutableClock(T0);
  private final AtomicReference<List<SourceHealth>> health = new AtomicReference<>(List.of());
  private final AtomicReference<HistoryHealth> history = new AtomicReference<>(HistoryHealth.NONE);
  private SimulatedGpuControl sim;
  private GuardedGpuControl gpus;
  private DaemonMetrics metrics;
  private Gpu gpu0;
  private Gpu gpu1;

  @BeforeEach
  void start() {
    sim = SimulatedGpus.create("a40", 2, SimulatedGpus.defaultWorkload(SimulatedGpus.Model.A40), clock);
    gpus = GuardedGpuControl.create(sim, Ledger.open(dir));
    gpu0 = gpus.gpus().get(0);
    gpu1 = gpus.gpus().get(1);
    metrics = DaemonMetrics.create(gpus, health::get, history::get);
  }

  @AfterEach
  void stop() {
    gpus.restoreAll();
    gpus.close();
  }

  private String scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static CarbonSignal signal(String source, double gPerKwh) {
    return new CarbonSignal("DE", T0.minusSeconds(1800), T0.plusSeconds(1800), CarbonIntensity.gramsPerKwh(gPerKwh),
        SignalKind.AVERAGE, source, false);
  }

  /** One tick as the loop publishes it: the safety layer's outcomes under the static policy. */
  private TickReport tick(Optional<CarbonSignal> signal, Optional<String> failSafe, Map<Gpu, Power> targets) {
    List<TickReport.GpuReport> reports = new ArrayList<>();
    for (LimitOutcome o : gpus.apply(targets)) {
      reports.add(new TickReport.GpuReport(o.gpu(), gpus.originalLimit(o.gpu()), o.target(), o.previous(), o.status(),
          List.of("ml"), failSafe.isPresent() ? "full-speed" : "static", "test"));
    }
    return new TickReport(clock.instant(), signal, List.of(), failSafe, reports, Map.of());
  }

  private EnergyRecord energy(Gpu gpu, String team, double joules, double baselineJoules, Optional<Double> gPerKwh) {
    return new EnergyRecord(T0, T0.plusSeconds(10), gpu, team, "", Energy.ofJoules(joules), Energy.ofJoules(baselineJoules),
        gPerKwh.map(CarbonIntensity::gramsPerKwh), Power.ofWatts(180), Power.ofWatts(300), Duration.ofSeconds(10),
        Duration.ofMillis(2500), Duration.ofSeconds(10), "default");
  }

  @Test
  void theGridSignalAndEachGpusLimitsAndDecisionsAreExposedWithDcgmLabels() throws IOException {
    metrics.completed(
        tick(Optional.of(signal("electricitymaps", 302.44)), Optional.empty(), Map.of(gpu0, Power.ofWatts(180), gpu1, Power.ofWatts(300))),
        Duration.ofMillis(30));
    metrics.sampled(gpu0, gpus.sample(gpu0));
    metrics.sampled(gpu1, gpus.sample(gpu1));

    String text = scrape();
    String uuid0 = gpu0.uuid();
    assertThat(text)
        .contains("carbon_governor_grid_intensity_grams_per_kwh{kind=\"average\",source=\"electricitymaps\",zone=\"DE\"} 302.44\n")
        .contains("carbon_governor_fail_safe_engaged 0.0\n")
        .contains("carbon_governor_gpu_power_limit_watts{UUID=\"" + uuid0 + "\",gpu=\"0\"} 180.0\n")
        .contains("carbon_governor_gpu_enforced_power_limit_watts{UUID=\"" + uuid0 + "\",gpu=\"0\"} 180.0\n")
        .contains("carbon_governor_gpu_original_power_limit_watts{UUID=\"" + uuid0 + "\",gpu=\"0\"} 300.0\n")
        .contains("carbon_governor_gpu_power_limit_watts{UUID=\"" + gpu1.uuid() + "\",gpu=\"1\"} 300.0\n")
        .contains("carbon_governor_gpu_held_by_operator{UUID=\"" + uuid0 + "\",gpu=\"0\"} 0.0\n")
        .contains("carbon_governor_gpu_shadow{UUID=\"" + uuid0 + "\",gpu=\"0\"} 0.0\n")
        .contains("carbon_governor_decisions_total{outcome=\"applied\",policy=\"static\"} 1.0\n")
        .contains("carbon_governor_decisions_total{outcome=\"unchanged\",policy=\"static\"} 1.0\n")
        .contains("carbon_governor_ticks_total{result=\"completed\"} 1.0\n")
        .contains("carbon_governor_ticks_total{result=\"failed\"} 0.0\n")
        .contains("carbon_governor_tick_duration_seconds_bucket{le=\"0.025\"} 0\n")
        .contains("carbon_governor_tick_duration_seconds_bucket{le=\"0.05\"} 1\n")
        .contains("carbon_governor_tick_duration_seconds_sum 0.03\n")
        .contains("carbon_governor_last_tick_timestamp_seconds " + (double) T0.getEpochSecond() + "\n");
    double power = value(text, "carbon_governor_gpu_power_watts{UUID=\"" + uuid0 + "\",gpu=\"0\"}");
    assertThat(power).isEqualTo(gpus.sample(gpu0).power().watts()).isPositive().isLessThanOrEqualTo(180.0);
    assertThat(text).contains("# TYPE carbon_governor_decisions_total counter\n");
  }

  @Test
  void anOperatorsChangeShowsAsHeldAndAnUnreadableGpuLosesItsStaleReadings() throws IOException {
    metrics.completed(tick(Optional.of(signal("trace", 300)), Optional.empty(), Map.of(gpu0, Power.ofWatts(180), gpu1, Power.ofWatts(180))),
        Duration.ofMillis(1));
    sim.setLimitExternally(gpu1, Power.ofWatts(250)); // nvidia-smi -pl
    metrics.completed(tick(Optional.of(signal("trace", 300)), Optional.empty(), Map.of(gpu0, Power.ofWatts(210), gpu1, Power.ofWatts(210))),
        Duration.ofMillis(1));
    metrics.sampled(gpu0, gpus.sample(gpu0));
    metrics.sampled(gpu1, gpus.sample(gpu1));
    metrics.unreadable(gpu0);

    String text = scrape();
    assertThat(text)
        .contains("carbon_governor_gpu_held_by_operator{UUID=\"" + gpu1.uuid() + "\",gpu=\"1\"} 1.0\n")
        .contains("carbon_governor_decisions_total{outcome=\"held-by-operator\",policy=\"static\"} 1.0\n")
        .contains("carbon_governor_gpu_power_limit_watts{UUID=\"" + gpu1.uuid() + "\",gpu=\"1\"} 250.0\n")
        .doesNotContain("carbon_governor_gpu_power_watts{UUID=\"" + gpu0.uuid() + "\"")
        .doesNotContain("carbon_governor_gpu_power_limit_watts{UUID=\"" + gpu0.uuid() + "\"")
        // The original limit comes from the safety layer, not a reading: still there.
        .contains("carbon_governor_gpu_original_power_limit_watts{UUID=\"" + gpu0.uuid() + "\",gpu=\"0\"} 300.0\n");
  }

  @Test
  void aSwitchOfSourceOrTheFailSafeLeavesNoStaleIntensity() throws IOException {
    metrics.completed(tick(Optional.of(signal("electricitymaps", 120)), Optional.empty(), Map.of()), Duration.ofMillis(1));
    metrics.completed(tick(Optional.of(signal("watttime", 140)), Optional.empty(), Map.of()), Duration.ofMillis(1));
    assertThat(scrape())
        .contains("carbon_governor_grid_intensity_grams_per_kwh{kind=\"average\",source=\"watttime\",zone=\"DE\"} 140.0\n")
        .doesNotContain("source=\"electricitymaps\"");

    metrics.completed(tick(Optional.empty(), Optional.of("no source has a fresh signal"), Map.of()), Duration.ofMillis(1));
    metrics.failed(Duration.ofMillis(2));
    String text = scrape();
    assertThat(text)
        .contains("carbon_governor_fail_safe_engaged 1.0\n")
        .contains("carbon_governor_ticks_total{result=\"failed\"} 1.0\n")
        .contains("carbon_governor_ticks_total{result=\"completed\"} 3.0\n")
        .contains("carbon_governor_tick_duration_seconds_count 4\n");
    assertThat(samples(text, "carbon_governor_grid_intensity_grams_per_kwh")).isEmpty();
  }

  @Test
  void accountedEnergyBecomesJoulesPerGpuAndGramsAndTimePerTeam() throws IOException {
    // 1800 J = 0.0005 kWh: 0.15 g at 300 g/kWh; the baseline 2400 J would have emitted 0.2 g.
    metrics.accounted(List.of(
        energy(gpu0, "ml", 1800, 2400, Optional.of(300.0)),
        energy(gpu1, "(idle)", 600, 600, Optional.of(300.0))));
    // Without an intensity the energy counts and the emissions do not.
    metrics.accounted(List.of(energy(gpu0, "ml", 1800, 2400, Optional.empty())));

    String text = scrape();
    assertThat(text)
        .contains("# TYPE carbon_governor_gpu_energy_joules_total counter\n")
        .contains("carbon_governor_gpu_energy_joules_total{UUID=\"" + gpu0.uuid() + "\",gpu=\"0\"} 3600.0\n")
        .contains("carbon_governor_gpu_energy_joules_total{UUID=\"" + gpu1.uuid() + "\",gpu=\"1\"} 600.0\n")
        .contains("carbon_governor_team_energy_joules_total{team=\"ml\"} 3600.0\n")
        .contains("carbon_governor_team_extra_time_seconds_total{team=\"ml\"} 5.0\n")
        .contains("carbon_governor_team_extra_time_seconds_total{team=\"(idle)\"} 2.5\n");
    assertThat(value(text, "carbon_governor_team_emissions_grams_total{team=\"ml\"}")).isCloseTo(0.15, within());
    assertThat(value(text, "carbon_governor_team_baseline_emissions_grams_total{team=\"ml\"}")).isCloseTo(0.2, within());
    assertThat(value(text, "carbon_governor_team_emissions_grams_total{team=\"(idle)\"}")).isCloseTo(0.05, within());
  }

  @Test
  void sourceHealthReloadsAndHistoryFailuresAreReadAtScrapeTime() throws IOException {
    health.set(List.of(
        new SourceHealth("electricitymaps", Optional.of(T0), Optional.empty(), Optional.empty(), 0,
            Optional.of(Duration.ofMillis(120)), 7),
        new SourceHealth("watttime", Optional.empty(), Optional.of(T0), Optional.of("http 503"), 3,
            Optional.of(Duration.ofMillis(2000)), 3)));
    history.set(new HistoryHealth(Map.of(HistoryProblem.DISK_FULL, 2L), Map.of(HistoryProblem.DISK_FULL, 1L)));
    assertThat(scrape())
        .contains("carbon_governor_config_last_reload_successful 1.0\n")
        .doesNotContain("carbon_governor_last_tick_timestamp_seconds ") // no tick yet
        .doesNotContain("carbon_governor_fail_safe_engaged ");
    metrics.reloaded(true);
    metrics.reloaded(false);

    String text = scrape();
    assertThat(text)
        .contains("carbon_governor_source_up{source=\"electricitymaps\"} 1.0\n")
        .contains("carbon_governor_source_up{source=\"watttime\"} 0.0\n")
        .contains("carbon_governor_source_consecutive_failures{source=\"watttime\"} 3.0\n")
        .contains("carbon_governor_source_last_success_timestamp_seconds{source=\"electricitymaps\"} "
            + (double) T0.getEpochSecond() + "\n")
        .doesNotContain("carbon_governor_source_last_success_timestamp_seconds{source=\"watttime\"}")
        .contains("carbon_governor_source_latency_seconds{source=\"electricitymaps\"} 0.12\n")
        .contains("carbon_governor_source_latency_seconds{source=\"watttime\"} 2.0\n")
        .contains("carbon_governor_source_calls_total{source=\"electricitymaps\"} 7.0\n")
        .contains("carbon_governor_config_reloads_total{result=\"applied\"} 1.0\n")
        .contains("carbon_governor_config_reloads_total{result=\"rejected\"} 1.0\n")
        .contains("carbon_governor_config_last_reload_successful 0.0\n")
        .contains("carbon_governor_history_write_failures_total{cause=\"disk_full\"} 2.0\n")
        .contains("carbon_governor_history_write_failures_total{cause=\"read_only\"} 0.0\n")
        .contains("carbon_governor_history_problems_total{cause=\"disk_full\"} 1.0\n")
        .containsPattern("carbon_governor_build_info\\{version=\"[^\"]+\"} 1.0\n");

    history.set(new HistoryHealth(Map.of(HistoryProblem.DISK_FULL, 5L), Map.of(HistoryProblem.DISK_FULL, 1L,
        HistoryProblem.DAMAGED, 1L)));
    assertThat(scrape())
        .contains("carbon_governor_history_write_failures_total{cause=\"disk_full\"} 5.0\n")
        .contains("carbon_governor_history_problems_total{cause=\"damaged\"} 1.0\n");
  }

  @Test
  void everyOwnSeriesIsNamedWithThePrefixAndGpuSeriesCarryExactlyGpuAndUuid() throws IOException {
    metrics.completed(tick(Optional.of(signal("trace", 300)), Optional.empty(), Map.of(gpu0, Power.ofWatts(180))),
        Duration.ofMillis(1));
    metrics.sampled(gpu0, gpus.sample(gpu0));
    metrics.accounted(List.of(energy(gpu0, "ml", 10, 10, Optional.of(300.0))));
    String text = scrape();
    List<String[]> own = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(m.group(1)).as(line).matches("(carbon_governor|jvm|process)_[a-z0-9_]+");
      if (m.group(1).startsWith("carbon_governor_gpu_")) {
        assertThat(m.group(2)).as(line).matches("\\{UUID=\"GPU-[^\"]+\",gpu=\"\\d+\"}");
      }
      if (m.group(1).startsWith("carbon_governor_")) {
        own.add(new String[] {m.group(1), m.group(2)});
      }
    }
    assertThat(own).extracting(s -> s[0]).contains(
        "carbon_governor_gpu_power_watts", "carbon_governor_gpu_energy_joules_total",
        "carbon_governor_team_emissions_grams_total", "carbon_governor_tick_duration_seconds_count");
    assertThat(text).contains("jvm_memory_used_bytes").contains("jvm_threads_current");
  }

  @Test
  void noSeriesSamplesExemplarsEvenWithinATrace() throws IOException {
    // A sampled trace is where the client would attach an exemplar, and re-arm its sampler on a
    // timer thread after each update; the daemon's updates never do either.
    SpanContextSupplier.setSpanContext(new SampledSpan());
    try {
      DaemonMetrics traced = DaemonMetrics.create(gpus, health::get, history::get);
      FleetMetrics fleet = FleetMetrics.register(traced.registry());
      traced.completed(tick(Optional.of(signal("trace", 300)), Optional.empty(), Map.of(gpu0, Power.ofWatts(180))),
          Duration.ofMillis(1));
      traced.failed(Duration.ofMillis(1));
      traced.sampled(gpu0, gpus.sample(gpu0));
      traced.accounted(List.of(energy(gpu0, "ml", 10, 10, Optional.of(300.0))));
      traced.reloaded(true);
      fleet.ran(FleetJob.ROLLUP, FleetOutcome.OK);
      fleet.schedulerUp(true);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      OpenMetricsTextFormatWriter.create().write(out, traced.registry().scrape());
      String text = out.toString(StandardCharsets.UTF_8);

      assertThat(text).contains("carbon_governor_gpu_energy_joules_total{").doesNotContain(SampledSpan.TRACE);
    } finally {
      SpanContextSupplier.setSpanContext(null);
    }
  }

  /** The span an OpenTelemetry agent would report for a traced request, sampled. */
  private static final class SampledSpan implements SpanContext {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    @Override
    public String getCurrentTraceId() {
      return TRACE;
    }

    @Override
    public String getCurrentSpanId() {
      return "b7ad6b7169203331";
    }

    @Override
    public boolean isCurrentSpanSampled() {
      return true;
    }

    @Override
    public void markCurrentSpanAsExemplar() {}
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }

  private static double value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no series " + series + " in:\n" + text);
  }

  private static List<String> samples(String text, String name) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        out.add(line);
      }
    }
    return out;
  }
}
