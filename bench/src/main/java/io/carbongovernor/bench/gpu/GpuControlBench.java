package io.carbongovernor.bench.gpu;

import io.carbongovernor.gpu.EnergyMeter;
import io.carbongovernor.gpu.EnergyReading;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.NvmlGpuControl;
import io.carbongovernor.gpu.NvmlGpus;
import io.carbongovernor.gpu.Power;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One control tick and one sampler pass over 8 GPUs of the fake libnvidia-ml.so.1, through the
 * production jnr-ffi binding. Sample mode, so JMH reports the median and p99 of single calls.
 *
 * <ul>
 *   <li>{@code tick}: sample all 8, set all 8 (alternating 200 W / 250 W, so every GPU changes),
 *       read all 8 back;
 *   <li>{@code guardedTick}: the same through the safety layer, as the daemon does it: read, clamp,
 *       hysteresis, fsynced ledger record of every set, set, read back;
 *   <li>{@code samplerPass}: sample all 8 and turn each sample into energy with {@link
 *       EnergyMeter}.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GpuControlBench {

  private static final int GPUS = 8;
  private static final Power LOW = Power.ofWatts(200);
  private static final Power HIGH = Power.ofWatts(250);

  private NvmlGpuControl nvml;
  private List<Gpu> gpus;
  private Path stateDir;
  private GuardedGpuControl guard;
  private EnergyMeter meter;
  private boolean high;

  @Setup(Level.Trial)
  public void open() throws IOException {
    String path = FakeNvmlControl.path();
    FakeNvmlControl.load(path, GPUS);
    nvml = NvmlGpus.open(path);
    gpus = nvml.gpus();
    if (gpus.size() != GPUS) {
      throw new IllegalStateException("expected " + GPUS + " fake GPUs, got " + gpus.size());
    }
    stateDir = Files.createTempDirectory("carbon-governor-bench");
    guard = GuardedGpuControl.create(nvml, Ledger.open(stateDir));
    meter = EnergyMeter.create();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    guard.restoreAll();
    guard.close();
    try (var files = Files.list(stateDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(stateDir);
  }

  private Power nextTarget() {
    high = !high;
    return high ? HIGH : LOW;
  }

  @Benchmark
  public void tick(Blackhole bh) {
    Power target = nextTarget();
    for (Gpu gpu : gpus) {
      bh.consume(nvml.sample(gpu));
    }
    for (Gpu gpu : gpus) {
      nvml.setPowerLimit(gpu, target);
    }
    for (Gpu gpu : gpus) {
      GpuSample after = nvml.sample(gpu);
      if (!after.limit().equals(target)) {
        throw new IllegalStateException("read back " + after.limit() + " on " + gpu.label());
      }
      bh.consume(after);
    }
  }

  @Benchmark
  public List<LimitOutcome> guardedTick() {
    Power target = nextTarget();
    Map<Gpu, Power> targets = new LinkedHashMap<>();
    for (Gpu gpu : gpus) {
      targets.put(gpu, target);
    }
    return guard.apply(targets);
  }

  @Benchmark
  public void samplerPass(Blackhole bh) {
    Instant now = Instant.now();
    for (Gpu gpu : gpus) {
      EnergyReading r = meter.record(gpu, now, nvml.sample(gpu));
      bh.consume(r);
    }
  }
}
