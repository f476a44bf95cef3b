package io.carbongovernor.carbon;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.CacheLoader;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A Caffeine cache in front of one source. An answer older than {@code refreshAfter} is
 * refreshed on the executor at its next use while the cached one is served; a failed refresh
 * keeps the last good answer until {@code expireAfter}. With nothing cached, a failure is
 * remembered for {@code failureRetry} (or a 429's Retry-After) instead of asking again at once.
 * The cache never throws from a load, so Caffeine logs nothing of its own. Loads run on the
 * executor; {@link #currentAsync} and {@link #forecastAsync} hand out their futures, so that a
 * caller with a budget waits on a load without a thread of its own. {@code history} passes
 * through uncached.
 */
final class CachingCarbonSource implements CarbonSource {

  /** How long a 429 without Retry-After keeps us from calling again. */
  static final Duration DEFAULT_RATE_LIMIT_WAIT = Duration.ofMinutes(1);

  private record ForecastKey(String zone, Duration horizon) {}

  /** The last good answer (null: none) with its fetch time, and the last failure, if newer. */
  private record Entry<T>(T good, long goodAt, CarbonSourceException failure, long retryAt) {}

  private final CarbonSource upstream;
  private final CacheOptions options;
  private final Ticker ticker;
  private final Clock clock;
  private final AsyncLoadingCache<String, Entry<CarbonSignal>> current;
  private final AsyncLoadingCache<ForecastKey, Entry<List<CarbonSignal>>> forecasts;
  private volatile long notBefore;

  CachingCarbonSource(
      CarbonSource upstream, CacheOptions options, Clock clock, Ticker ticker, Executor executor) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.options = Objects.requireNonNull(options, "options");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(executor, "executor");
    this.notBefore = ticker.read();
    this.current = build(executor, upstream::current);
    this.forecasts = build(executor, k -> upstream.forecast(k.zone(), k.horizon()));
  }

  private <K, T> AsyncLoadingCache<K, Entry<T>> build(Executor executor, Function<K, T> fetch) {
    CacheLoader<K, Entry<T>> loader =
        new CacheLoader<>() {
          @Override
          public Entry<T> load(K key) {
            return fetch(key, fetch, null);
          }

          @Override
          public Entry<T> reload(K key, Entry<T> old) {
            return fetch(key, fetch, old);
          }
        };
    Expiry<K, Entry<T>> expiry =
        new Expiry<>() {
          @Override
          public long expireAfterCreate(K key, Entry<T> e, long now) {
            return lifetime(e, now);
          }

          @Override
          public long expireAfterUpdate(K key, Entry<T> e, long now, long left) {
            return lifetime(e, now);
          }

          @Override
          public long expireAfterRead(K key, Entry<T> e, long now, long left) {
            return left;
          }
        };
    return Caffeine.newBuilder()
        .ticker(ticker)
        .executor(executor)
        .refreshAfterWrite(options.refreshAfter())
        .expireAfter(expiry)
        .maximumSize(256)
        .buildAsync(loader);
  }

  private long lifetime(Entry<?> e, long now) {
    long until = e.good() != null ? e.goodAt() + options.expireAfter().toNanos() : e.retryAt();
    return Math.max(0, until - now);
  }

  private <K, T> Entry<T> fetch(K key, Function<K, T> fetch, Entry<T> old) {
    long now = ticker.read();
    CarbonSourceException failure;
    long wait = notBefore - now;
    if (wait > 0) {
      failure =
          new CarbonSourceException(
              Kind.RATE_LIMITED,
              upstream.name(),
              "rate limited; not asking again for " + Duration.ofNanos(wait).toSeconds() + " s",
              Duration.ofNanos(wait),
              null);
    } else {
      try {
        return new Entry<>(fetch.apply(key), now, null, now);
      } catch (CarbonSourceException e) {
        failure = e;
      }
    }
    long retryAt = now + options.failureRetry().toNanos();
    if (failure.kind() == Kind.RATE_LIMITED) {
      long pause = failure.retryAfter().orElse(DEFAULT_RATE_LIMIT_WAIT).toNanos();
      if (wait <= 0) {
        notBefore = now + pause;
      }
      retryAt = Math.max(retryAt, now + pause);
    }
    if (old != null && old.good() != null) {
      return new Entry<>(old.good(), old.goodAt(), failure, retryAt);
    }
    return new Entry<>(null, now, failure, retryAt);
  }

  @Override
  public String name() {
    return upstream.name();
  }

  @Override
  public CarbonSignal current(String zone) {
    return join(currentAsync(zone));
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    return join(forecastAsync(zone, horizon));
  }

  /** The current signal: completed at once from the cache, else when the load ends. */
  CompletableFuture<CarbonSignal> currentAsync(String zone) {
    return current.get(zone).thenApply(CachingCarbonSource::goodOrThrow);
  }

  /** The forecast, cut to the future at the moment it is read. */
  CompletableFuture<List<CarbonSignal>> forecastAsync(String zone, Duration horizon) {
    return forecasts
        .get(new ForecastKey(zone, horizon))
        .thenApply(e -> cut(goodOrThrow(e), horizon));
  }

  private static <T> T goodOrThrow(Entry<T> e) {
    if (e.good() == null) {
      throw e.failure();
    }
    return e.good();
  }

  private static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof CarbonSourceException c) {
        throw c;
      }
      throw e;
    }
  }

  private List<CarbonSignal> cut(List<CarbonSignal> all, Duration horizon) {
    // Cut again at every use: time has moved on since the answer was fetched.
    Instant now = clock.instant();
    Instant until = now.plus(horizon);
    List<CarbonSignal> out = new ArrayList<>();
    for (CarbonSignal s : all) {
      if (s.start().isAfter(now) && s.start().isBefore(until)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    return upstream.history(zone, from, to);
  }

  @Override
  public String toString() {
    return "CachingCarbonSource[" + upstream + "]";
  }
}
