package io.carbongovernor.bench.carbon;

import com.github.benmanes.caffeine.cache.Ticker;
import io.carbongovernor.carbon.CacheOptions;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSources;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of a cached lookup, as the tick pays it: a warm cache hit on its own ({@code
 * cacheHit}), and the whole path of a tick's read (health tracking, cache, and the fallback chain
 * that asks its sources on a thread pool under the fetch budget: {@code chainRead}). Sample mode,
 * so JMH reports p50 and p99.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CachedLookupBenchmark {

  private ExecutorService executor;
  private CarbonSource cached;
  private CarbonSource chain;

  @Setup(Level.Trial)
  public void setUp() {
    Clock clock = Clock.systemUTC();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "carbon-fetch");
      t.setDaemon(true);
      return t;
    });
    CarbonSource tracked = CarbonSources.tracked(BenchSources.trace(clock), clock, Ticker.systemTicker());
    cached = CarbonSources.cached(tracked, CacheOptions.defaults(), clock, Ticker.systemTicker(), executor);
    chain = CarbonSources.fallback(List.of(cached), clock, Duration.ofHours(2), Duration.ofSeconds(2), executor);
    cached.current("BENCH");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    executor.shutdownNow();
  }

  @Benchmark
  public CarbonSignal cacheHit() {
    return cached.current("BENCH");
  }

  @Benchmark
  public CarbonSignal chainRead() {
    return chain.current("BENCH");
  }
}
