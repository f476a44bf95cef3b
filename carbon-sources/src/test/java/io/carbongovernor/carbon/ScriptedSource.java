package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A fake source whose answers the test queues; the last answer repeats. It can be made to stall
 * until released, as a hung provider would.
 */
final class ScriptedSource implements CarbonSource {

  private final String name;
  private final Deque<Supplier<CarbonSignal>> current = new ArrayDeque<>();
  private final Deque<Supplier<List<CarbonSignal>>> forecast = new ArrayDeque<>();
  final AtomicInteger currentCalls = new AtomicInteger();
  final AtomicInteger forecastCalls = new AtomicInteger();
  private volatile CountDownLatch stall;

  ScriptedSource(String name) {
    this.name = name;
  }

  ScriptedSource answers(CarbonSignal signal) {
    current.add(() -> signal);
    return this;
  }

  ScriptedSource fails(CarbonSourceException.Kind kind) {
    current.add(() -> {
      throw new CarbonSourceException(kind, name, "scripted " + kind);
    });
    return this;
  }

  ScriptedSource failsWith(CarbonSourceException e) {
    current.add(() -> {
      throw e;
    });
    return this;
  }

  ScriptedSource forecasts(List<CarbonSignal> signals) {
    forecast.add(() -> signals);
    return this;
  }

  /** Every call blocks until {@link #release()}. */
  ScriptedSource stalled() {
    stall = new CountDownLatch(1);
    return this;
  }

  void release() {
    if (stall != null) {
      stall.countDown();
    }
  }

  private void maybeStall() {
    CountDownLatch s = stall;
    if (s != null) {
      try {
        s.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static <T> T next(Deque<Supplier<T>> queue) {
    synchronized (queue) {
      Supplier<T> s = queue.size() > 1 ? queue.removeFirst() : queue.peekFirst();
      if (s == null) {
        throw new IllegalStateException("nothing scripted");
      }
      return s.get();
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CarbonSignal current(String zone) {
    currentCalls.incrementAndGet();
    maybeStall();
    return next(current);
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    forecastCalls.incrementAndGet();
    maybeStall();
    return next(forecast);
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    return List.of();
  }

  static CarbonSignal signal(String source, String start, double grams) {
    Instant s = Instant.parse(start);
    return new CarbonSignal("DE", s, s.plus(Duration.ofHours(1)), CarbonIntensity.gramsPerKwh(grams),
        SignalKind.AVERAGE, source, false);
  }
}
