package io.carbongovernor.carbon;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Asks its source for one fixed zone, whatever zone it is asked for (a per-source zone). */
final class ZonedCarbonSource implements CarbonSource {

  private final CarbonSource source;
  private final String zone;

  ZonedCarbonSource(CarbonSource source, String zone) {
    this.source = Objects.requireNonNull(source, "source");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  @Override
  public String name() {
    return source.name();
  }

  @Override
  public boolean local() {
    return source.local();
  }

  @Override
  public CarbonSignal current(String ignored) {
    return source.current(zone);
  }

  @Override
  public List<CarbonSignal> forecast(String ignored, Duration horizon) {
    return source.forecast(zone, horizon);
  }

  @Override
  public List<CarbonSignal> history(String ignored, Instant from, Instant to) {
    return source.history(zone, from, to);
  }

  @Override
  public String toString() {
    return "ZonedCarbonSource[" + zone + ", " + source + "]";
  }
}
