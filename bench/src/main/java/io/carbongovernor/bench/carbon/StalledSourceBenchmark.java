package io.carbongovernor.bench.carbon;

import com.github.benmanes.caffeine.cache.Ticker;
import io.carbongovernor.carbon.CacheOptions;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.ElectricityMapsOptions;
import io.carbongovernor.carbon.HttpEndpoint;
import io.carbongovernor.carbon.Retry;
import io.carbongovernor.carbon.Timeouts;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

/**
 * A tick's read when the preferred source has stalled: an Electricity Maps source (10 s timeout,
 * 3 attempts) whose server accepts connections and never answers, then a trace. The read is
 * bounded by the fetch budget (here 100 ms) and answers from the trace, where waiting on the
 * provider would take its timeouts (30 s and more). {@code healthy} is the same chain with a
 * trace first, for comparison.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class StalledSourceBenchmark {

  @Param({"stalled", "healthy"})
  public String first;

  private ExecutorService executor;
  private BenchSources.SilentServer server;
  private CarbonSource chain;

  @Setup(Level.Trial)
  public void setUp() {
    Clock clock = Clock.systemUTC();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "carbon-fetch");
      t.setDaemon(true);
      return t;
    });
    server = new BenchSources.SilentServer();
    CarbonSource preferred;
    if (first.equals("stalled")) {
      HttpEndpoint endpoint =
          new HttpEndpoint("electricitymaps", URI.create(server.url()), Timeouts.of(Duration.ofSeconds(10)), Retry.defaults());
      preferred = CarbonSources.electricityMaps(endpoint, "bench-token", ElectricityMapsOptions.defaults(), clock);
    } else {
      preferred = BenchSources.trace(clock);
    }
    CarbonSource cached = CarbonSources.cached(
        CarbonSources.tracked(preferred, clock, Ticker.systemTicker()), CacheOptions.defaults(), clock,
        Ticker.systemTicker(), executor);
    chain = CarbonSources.fallback(
        List.of(cached, BenchSources.trace(clock)), clock, Duration.ofHours(2), Duration.ofMillis(100), executor);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    executor.shutdownNow();
    server.close();
  }

  @Benchmark
  public CarbonSignal tickRead() {
    return chain.current("BENCH");
  }
}
