package io.carbongovernor.carbon;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records every call's outcome and latency. Logs when a source starts failing (or fails
 * differently) and when it recovers, not at every failure, so a long outage does not flood the
 * journal.
 */
final class HealthTrackingSource implements TrackedCarbonSource {

  private static final Logger log = LoggerFactory.getLogger("carbon");

  private final CarbonSource upstream;
  private final Clock clock;
  private final Ticker ticker;
  private volatile SourceHealth health;
  private String failingKind;

  HealthTrackingSource(CarbonSource upstream, Clock clock, Ticker ticker) {
    this.upstream = Objects.requireNonNull(upstream, "upstream");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.health = SourceHealth.initial(upstream.name());
  }

  @Override
  public String name() {
    return upstream.name();
  }

  @Override
  public boolean local() {
    return upstream.local();
  }

  @Override
  public SourceHealth health() {
    return health;
  }

  @Override
  public CarbonSignal current(String zone) {
    return track("current", () -> upstream.current(zone));
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    return track("forecast", () -> upstream.forecast(zone, horizon));
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    return track("history", () -> upstream.history(zone, from, to));
  }

  private <T> T track(String call, Supplier<T> body) {
    long start = ticker.read();
    try {
      T result = body.get();
      succeeded(Duration.ofNanos(ticker.read() - start));
      return result;
    } catch (CarbonSourceException e) {
      failed(call, e, Duration.ofNanos(ticker.read() - start));
      throw e;
    }
  }

  private synchronized void succeeded(Duration latency) {
    health = health.succeeded(clock.instant(), latency);
    if (failingKind != null) {
      log.atInfo().addKeyValue("source", name()).log("carbon source recovered");
      failingKind = null;
    }
  }

  private synchronized void failed(String call, CarbonSourceException e, Duration latency) {
    String kind = e.kind().name().toLowerCase(Locale.ROOT);
    health = health.failed(clock.instant(), latency, kind + ": " + e.getMessage());
    if (!kind.equals(failingKind)) {
      log.atWarn()
          .addKeyValue("source", name())
          .addKeyValue("call", call)
          .addKeyValue("failure", kind)
          .addKeyValue("error", e.getMessage())
          .log("carbon source failing");
      failingKind = kind;
    }
  }

  @Override
  public String toString() {
    return "HealthTrackingSource[" + upstream + "]";
  }
}
