package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Sources in order of preference. {@code current} and {@code forecast} ask all of them at once on
 * the executor and wait at most {@code budget} in all: the answer is that of the first source, in
 * order, that answered in time with a usable value (for {@code current}: a signal no older than
 * {@code maxAge}). A stalled source therefore costs a caller at most the budget, never more, and
 * its call goes on in the background (where a cache in front of it keeps the result).
 */
final class FallbackCarbonSource implements CarbonSource {

  private final List<CarbonSource> sources;
  private final Clock clock;
  private final Duration maxAge;
  private final Duration budget;
  private final Executor executor;
  private final String name;

  FallbackCarbonSource(
      List<CarbonSource> sources, Clock clock, Duration maxAge, Duration budget, Executor executor) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("a fallback chain needs at least one source");
    }
    this.sources = List.copyOf(sources);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.name = this.sources.stream().map(CarbonSource::name).collect(Collectors.joining(">"));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean local() {
    return sources.stream().allMatch(CarbonSource::local);
  }

  @Override
  public CarbonSignal current(String zone) {
    Instant now = clock.instant();
    return first(
        s -> s.current(zone),
        c -> c.currentAsync(zone),
        signal -> {
          Duration age = signal.ageAt(now);
          return age.compareTo(maxAge) > 0 ? "stale (" + age + " old, max-age " + maxAge + ")" : null;
        },
        "no fresh signal");
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    return first(
        s -> s.forecast(zone, horizon),
        c -> c.forecastAsync(zone, horizon),
        list -> list.isEmpty() ? "empty forecast" : null,
        "no forecast");
  }

  /** Not on the tick path: each source in turn, without a budget. */
  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    List<String> why = new ArrayList<>();
    for (CarbonSource s : sources) {
      try {
        List<CarbonSignal> h = s.history(zone, from, to);
        if (!h.isEmpty()) {
          return h;
        }
        why.add(s.name() + ": empty");
      } catch (CarbonSourceException e) {
        why.add(s.name() + ": " + kind(e));
      }
    }
    throw new CarbonSourceException(Kind.UNAVAILABLE, name, "no history (" + String.join(", ", why) + ")");
  }

  /**
   * Asks every source at once; returns the first answer, in source order, that arrived within the
   * budget and that {@code unusable} has no objection to (null). A cache hands over its own
   * future (complete at once when it holds the answer), a local source is asked on this thread,
   * any other on the executor, so that no answer at hand waits on a thread hop.
   */
  private <T> T first(
      Function<CarbonSource, T> ask,
      Function<CachingCarbonSource, CompletableFuture<T>> askCache,
      Function<T, String> unusable,
      String none) {
    long deadline = System.nanoTime() + budget.toNanos();
    List<CompletableFuture<T>> answers = new ArrayList<>();
    for (CarbonSource s : sources) {
      if (s instanceof CachingCarbonSource c) {
        answers.add(askCache.apply(c));
      } else if (s.local()) {
        answers.add(null); // asked below, once every remote call is under way
      } else {
        answers.add(CompletableFuture.supplyAsync(() -> ask.apply(s), executor));
      }
    }
    for (int i = 0; i < sources.size(); i++) {
      if (answers.get(i) == null) {
        answers.set(i, inline(ask, sources.get(i)));
      }
    }
    List<String> why = new ArrayList<>();
    for (int i = 0; i < sources.size(); i++) {
      CarbonSource s = sources.get(i);
      T value;
      try {
        long left = deadline - System.nanoTime();
        CompletableFuture<T> answer = answers.get(i);
        if (left <= 0 && !answer.isDone()) {
          why.add(s.name() + ": no answer within " + budget.toMillis() + " ms");
          continue;
        }
        value = left > 0 ? answer.get(left, TimeUnit.NANOSECONDS) : answer.get();
      } catch (TimeoutException e) {
        why.add(s.name() + ": no answer within " + budget.toMillis() + " ms");
        continue;
      } catch (ExecutionException e) {
        why.add(s.name() + ": " + describe(e.getCause()));
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CarbonSourceException(Kind.UNAVAILABLE, name, "interrupted while waiting");
      }
      String objection = unusable.apply(value);
      if (objection == null) {
        return value;
      }
      why.add(s.name() + ": " + objection);
    }
    throw new CarbonSourceException(Kind.UNAVAILABLE, name, none + " (" + String.join("; ", why) + ")");
  }

  private static <T> CompletableFuture<T> inline(Function<CarbonSource, T> ask, CarbonSource s) {
    try {
      return CompletableFuture.completedFuture(ask.apply(s));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static String describe(Throwable t) {
    if (t instanceof CarbonSourceException e) {
      return kind(e) + " (" + e.getMessage() + ")";
    }
    return "failed (" + t + ")";
  }

  private static String kind(CarbonSourceException e) {
    return e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return "FallbackCarbonSource[" + name + "]";
  }
}
