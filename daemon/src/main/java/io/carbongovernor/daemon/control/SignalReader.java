package io.carbongovernor.daemon.control;

import com.github.benmanes.caffeine.cache.Ticker;
import io.carbongovernor.carbon.CacheOptions;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.CarbonSource;
import io.carbongovernor.carbon.CarbonSourceException;
import io.carbongovernor.carbon.CarbonSources;
import io.carbongovernor.carbon.SourceHealth;
import io.carbongovernor.carbon.TrackedCarbonSource;
import io.carbongovernor.daemon.config.SourceConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signal a tick decides on. Each configured source is wrapped in health tracking and, when
 * it is remote, a cache that refreshes ahead in the background; a fallback chain over them (in
 * config order) takes the first signal no older than {@code carbon.max-age}. The tick waits on
 * all of this at most {@code carbon.fetch-budget}: fetching runs on this reader's threads, and a
 * stalled source only delays the tick until the budget is spent. No fresh signal: the fail-safe
 * (safety invariant 4 in docs/architecture.md).
 */
final class SignalReader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("carbon");

  /** Remote sources are asked again after this, in the background, while the cache serves. */
  static final Duration REFRESH_AFTER = Duration.ofMinutes(5);
  /** With nothing cached, a failure is answered this long before the source is asked again. */
  static final Duration FAILURE_RETRY = Duration.ofSeconds(30);
  private static final Duration MAX_MARGIN = Duration.ofMillis(100);

  /** A configured source: its config entry and the source built from it. */
  record Configured(SourceConfig config, CarbonSource source) {
    Configured {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(source, "source");
    }
  }

  private final String zone;
  private final Duration budget;
  private final Duration forecastHorizon;
  private final List<TrackedCarbonSource> tracked;
  private final CarbonSource chain;
  private final ExecutorService executor;

  SignalReader(
      List<Configured> sources,
      String zone,
      Duration maxAge,
      Duration budget,
      Duration forecastHorizon,
      Clock clock) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.forecastHorizon = Objects.requireNonNull(forecastHorizon, "forecastHorizon");
    this.executor = Executors.newCachedThreadPool(daemonThreads());
    Ticker ticker = Ticker.systemTicker();
    CacheOptions cache = new CacheOptions(REFRESH_AFTER, maxAge.plusHours(1), FAILURE_RETRY);
    List<TrackedCarbonSource> health = new ArrayList<>();
    List<CarbonSource> links = new ArrayList<>();
    for (Configured c : sources) {
      CarbonSource source = c.source();
      if (c.config().zone().isPresent()) {
        source = CarbonSources.inZone(source, c.config().zone().get());
      }
      TrackedCarbonSource t = CarbonSources.tracked(source, clock, ticker);
      health.add(t);
      // A trace is local and instant; caching it would only serve a slot past its end.
      links.add(
          c.config().type() == SourceConfig.Type.TRACE
              ? t
              : CarbonSources.cached(t, cache, clock, ticker, executor));
    }
    this.tracked = List.copyOf(health);
    this.chain = CarbonSources.fallback(links, clock, maxAge, chainBudget(budget), executor);
  }

  /**
   * The chain's own budget: the tick's, less a margin for handing answers between threads, so
   * that a forecast the chain settles at its deadline still reaches the tick within the budget.
   */
  static Duration chainBudget(Duration budget) {
    Duration margin = budget.dividedBy(10);
    return budget.minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin);
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "carbon-fetch-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The current signal and forecast, or the fail-safe; never waits longer than the budget. */
  SignalReading read(Instant now) {
    long deadline = System.nanoTime() + budget.toNanos();
    CompletableFuture<List<CarbonSignal>> forecast =
        CompletableFuture.supplyAsync(() -> chain.forecast(zone, forecastHorizon), executor);
    CarbonSignal current;
    try {
      current = chain.current(zone);
    } catch (CarbonSourceException e) {
      return SignalReading.failSafe(e.getMessage());
    }
    return SignalReading.fresh(current, forecast(forecast, deadline));
  }

  private List<CarbonSignal> forecast(CompletableFuture<List<CarbonSignal>> forecast, long deadline) {
    try {
      long left = deadline - System.nanoTime();
      return left > 0 ? forecast.get(left, TimeUnit.NANOSECONDS) : forecast.getNow(List.of());
    } catch (TimeoutException | ExecutionException | java.util.concurrent.CompletionException e) {
      Throwable why = e.getCause() != null ? e.getCause() : e;
      log.atDebug()
          .addKeyValue("error", why instanceof TimeoutException ? "no forecast within " + budget : why.getMessage())
          .log("no forecast; deciding on the current signal alone");
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }

  /**
   * The slots of {@code [from, to)} from the first source that has them, fetched on this reader's
   * threads; fails when none has.
   */
  CompletableFuture<List<CarbonSignal>> history(Instant from, Instant to) {
    return CompletableFuture.supplyAsync(() -> chain.history(zone, from, to), executor);
  }

  /** How long a tick waits on the sources. */
  Duration budget() {
    return budget;
  }

  /** Every configured source's health, in config order: for status and metrics. */
  List<SourceHealth> health() {
    return tracked.stream().map(TrackedCarbonSource::health).toList();
  }

  /** Stops the fetch threads (a fetch in flight is interrupted). */
  @Override
  public void close() {
    executor.shutdownNow();
  }
}
