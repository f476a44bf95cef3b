package io.carbongovernor.daemon.metrics;

import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.daemon.control.SampleListener;
import io.carbongovernor.daemon.control.TickListener;
import io.carbongovernor.daemon.control.TickReport;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryHealth;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The daemon's Prometheus metrics, one registry per daemon: fed by the control loop and the
 * sampler as events happen, and by in-memory snapshots (source health, the safety layer's state,
 * the history's failure counts) at scrape time, so a scrape does no I/O. The local API serves the
 * registry at {@code GET /metrics}.
 *
 * <p>No series keeps exemplars: the daemon has no traces for one to point to, and the client's
 * exemplar sampler re-arms each series on a timer thread after every update, which would wake that
 * thread dozens of times per sample pass.
 */
public final class DaemonMetrics implements TickListener, SampleListener {

  private final PrometheusRegistry registry;
  private final GridMetrics grid;
  private final TickMetrics ticks;
  private final GpuMetrics gpus;
  private final TeamMetrics teams;
  private final ConfigMetrics config;

  private DaemonMetrics(PrometheusRegistry registry, GuardedGpuControl gpus, Supplier<List<SourceHealth>> sources,
      Supplier<HistoryHealth> history) {
    this.registry = registry;
    this.grid = new GridMetrics(registry);
    this.ticks = new TickMetrics(registry);
    this.gpus = new GpuMetrics(registry, gpus);
    this.teams = new TeamMetrics(registry);
    this.config = new ConfigMetrics(registry);
    new SourceMetrics(registry, sources);
    HistoryMetrics.register(registry, history);
    buildInfo(registry);
    JvmMetrics.builder().register(registry);
  }

  /**
   * A fresh registry with every daemon metric and the JVM's.
   *
   * @param gpus the safety layer, read for original limits and holds (no GPU call)
   * @param sources each configured source's health, in config order
   * @param history the history store's failures and problems so far, by cause
   */
  public static DaemonMetrics create(
      GuardedGpuControl gpus, Supplier<List<SourceHealth>> sources, Supplier<HistoryHealth> history) {
    return new DaemonMetrics(
        new PrometheusRegistry(),
        Objects.requireNonNull(gpus, "gpus"),
        Objects.requireNonNull(sources, "sources"),
        Objects.requireNonNull(history, "history"));
  }

  /** What {@code GET /metrics} serves. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** A configuration reload was applied, or rejected with the old configuration kept. */
  public void reloaded(boolean applied) {
    config.reloaded(applied);
  }

  @Override
  public void completed(TickReport report, Duration took) {
    grid.completed(report);
    ticks.completed(report, took);
  }

  @Override
  public void failed(Duration took) {
    ticks.failed(took);
  }

  @Override
  public void sampled(Gpu gpu, GpuSample sample) {
    gpus.sampled(gpu, sample);
  }

  @Override
  public void unreadable(Gpu gpu) {
    gpus.unreadable(gpu);
  }

  @Override
  public void accounted(List<EnergyRecord> records) {
    gpus.accounted(records);
    teams.accounted(records);
  }

  private static void buildInfo(PrometheusRegistry registry) {
    String version = DaemonMetrics.class.getPackage().getImplementationVersion();
    Gauge.builder().withoutExemplars()
        .name("carbon_governor_build_info")
        .help("Always 1; the daemon's version in a label")
        .labelNames("version")
        .register(registry)
        .labelValues(version == null ? "development" : version)
        .set(1);
  }
}
