package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * A provider as a {@link CarbonSource}. When {@code latest} fails (or has no value), the
 * forecast's value for the current slot serves as the current signal, marked estimated; the
 * forecast holds only slots after the current one.
 */
final class ProviderCarbonSource implements CarbonSource {

  /** How far ahead the forecast is asked for when it stands in for {@code latest}. */
  static final Duration CURRENT_FROM_FORECAST = Duration.ofHours(1);

  private final Provider provider;
  private final Clock clock;

  ProviderCarbonSource(Provider provider, Clock clock) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return provider.name();
  }

  @Override
  public CarbonSignal current(String zone) {
    CarbonSourceException latestFailure;
    try {
      return provider.latest(zone);
    } catch (CarbonSourceException e) {
      // Wrong credentials or an unknown zone will not be mended by another endpoint.
      if (e.kind() == Kind.AUTH || e.kind() == Kind.NOT_FOUND) {
        throw e;
      }
      latestFailure = e;
    }
    Instant now = clock.instant();
    try {
      for (CarbonSignal s : provider.forecastFromNow(zone, CURRENT_FROM_FORECAST)) {
        if (s.covers(now)) {
          return s.estimated() ? s : withEstimated(s);
        }
      }
      latestFailure.addSuppressed(
          new CarbonSourceException(Kind.UNAVAILABLE, name(), "forecast has no slot at " + now));
    } catch (CarbonSourceException e) {
      latestFailure.addSuppressed(e);
    }
    throw latestFailure;
  }

  @Override
  public List<CarbonSignal> forecast(String zone, Duration horizon) {
    Instant now = clock.instant();
    Instant until = now.plus(horizon);
    List<CarbonSignal> out = new ArrayList<>();
    for (CarbonSignal s : provider.forecastFromNow(zone, horizon)) {
      if (s.start().isAfter(now) && s.start().isBefore(until)) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparing(CarbonSignal::start));
    return List.copyOf(out);
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    if (!to.isAfter(from)) {
      return List.of();
    }
    return provider.history(zone, from, to);
  }

  private static CarbonSignal withEstimated(CarbonSignal s) {
    return new CarbonSignal(s.zone(), s.start(), s.end(), s.intensity(), s.kind(), s.source(), true);
  }

  @Override
  public String toString() {
    return "ProviderCarbonSource[" + provider.name() + "]";
  }
}
