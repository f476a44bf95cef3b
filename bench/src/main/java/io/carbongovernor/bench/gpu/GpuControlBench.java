package io.carbongovernor.bench.gpu;

import io.carbongovernor.gpu.EnergyMeter;
import io.carbongovernor.gpu.EnergyReading;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuSample;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.nvml.NvmlGpuControl;
import io.carbongovernor.gpu.nvml.NvmlGpus;
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
import org.openjdk.jmh.annotations.Param;
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
 *       hysteresis, fsynced ledger record of every set, set, read back; once with the ledger in
 *       {@code java.io.tmpdir} and once in {@code /dev/shm} (memory), so the fsync's share shows;
 *   <li>{@code samplerPass}: sample all 8 and turn each sample into energy with {@link
 *       EnergyMeter}.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class GpuControlBench {

  private static final int GPUS = 8;
  private static final Power LOW = Power.ofWatts(200);
  private static final Power HIGH = Power.ofWatts(250);

  /** The fake's 8 GPUs through the binding. */
  @State(Scope.Benchmark)
  public static class FakeGpus {
    NvmlGpuControl nvml;
    List<Gpu> gpus;
    EnergyMeter meter;
    private boolean high;

    @Setup(Level.Trial)
    public void open() {
      String path = FakeNvmlControl.path();
      FakeNvmlControl.load(path, GPUS);
      nvml = NvmlGpus.open(path);
      gpus = nvml.gpus();
      if (gpus.size() != GPUS) {
        throw new IllegalStateException("expected " + GPUS + " fake GPUs, got " + gpus.size());
      }
      meter = EnergyMeter.create();
    }

    Power nextTarget() {
      high = !high;
      return high ? HIGH : LOW;
    }
  }

  /** The safety layer over the fake, its ledger in {@link #ledger}. */
  @State(Scope.Benchmark)
  public static class Guarded {
    /** Where the ledger lives: the JVM's temporary directory, or another directory such as tmpfs. */
    @Param({"java.io.tmpdir", "/dev/shm"})
    public String ledger;

    private Path stateDir;
    GuardedGpuControl guard;

    @Setup(Level.Trial)
    public void open(FakeGpus fake) throws IOException {
      stateDir = ledger.equals("java.io.tmpdir")
          ? Files.createTempDirectory("carbon-governor-bench")
          : Files.createTempDirectory(Path.of(ledger), "carbon-governor-bench");
      guard = GuardedGpuControl.create(fake.nvml, Ledger.open(stateDir));
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
  }

  @Benchmark
  public void tick(FakeGpus fake, Blackhole bh) {
    Power target = fake.nextTarget();
    for (Gpu gpu : fake.gpus) {
      bh.consume(fake.nvml.sample(gpu));
    }
    for (Gpu gpu : fake.gpus) {
      fake.nvml.setPowerLimit(gpu, target);
    }
    for (Gpu gpu : fake.gpus) {
      GpuSample after = fake.nvml.sample(gpu);
      if (!after.limit().equals(target)) {
        throw new IllegalStateException("read back " + after.limit() + " on " + gpu.label());
      }
      bh.consume(after);
    }
  }

  @Benchmark
  public List<LimitOutcome> guardedTick(FakeGpus fake, Guarded guarded) {
    Power target = fake.nextTarget();
    Map<Gpu, Power> targets = new LinkedHashMap<>();
    for (Gpu gpu : fake.gpus) {
      targets.put(gpu, target);
    }
    return guarded.guard.apply(targets);
  }

  @Benchmark
  public void samplerPass(FakeGpus fake, Blackhole bh) {
    Instant now = Instant.now();
    for (Gpu gpu : fake.gpus) {
      EnergyReading r = fake.meter.record(gpu, now, fake.nvml.sample(gpu));
      bh.consume(r);
    }
  }
}
