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

  /**
   * The furthest after our clock a {@code latest} slot may start. The provider calls the slot
   * current, so it starts at or before the provider's clock, which ours may trail by skew
   * (seconds with NTP, minutes without) and slot alignment (a provider may label the slot it is
   * about to enter). One hour, the longest slot these APIs use, covers both; a slot further ahead
   * is not current under any sane clock: a forecast or a broken answer, which must not stand as
   * "now" (its age would read as zero).
   */
  static final Duration LATEST_MAX_LEAD = Duration.ofHours(1);

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
      return notAhead(provider.latest(zone));
    } catch (CarbonSourceException e) {
      // Wrong credentials or an unknown zone will not be mended by another endpoint, and a rate
      // limit holds for the whole API: asking the forecast now would only spend more of it.
      if (e.kind() == Kind.AUTH || e.kind() == Kind.NOT_FOUND || e.kind() == Kind.RATE_LIMITED) {
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

  private CarbonSignal notAhead(CarbonSignal latest) {
    Instant bound = clock.instant().plus(LATEST_MAX_LEAD);
    if (latest.start().isAfter(bound)) {
      throw new CarbonSourceException(
          Kind.BAD_RESPONSE,
          name(),
          "latest: the current slot starts at " + latest.start() + ", more than "
              + LATEST_MAX_LEAD.toMinutes() + " minutes after now (" + clock.instant() + ")");
    }
    return latest;
  }

  private static CarbonSignal withEstimated(CarbonSignal s) {
    return new CarbonSignal(s.zone(), s.start(), s.end(), s.intensity(), s.kind(), s.source(), true);
  }

  @Override
  public String toString() {
    return "ProviderCarbonSource[" + provider.name() + "]";
  }
}
