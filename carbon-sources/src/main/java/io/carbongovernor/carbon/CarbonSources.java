package io.carbongovernor.carbon;

import com.github.benmanes.caffeine.cache.Ticker;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/** Factories for the carbon sources whose implementations are not public. */
public final class CarbonSources {

  private CarbonSources() {}

  /**
   * A source that replays a recorded trace. It is a perfect-knowledge replay: its "forecast" is
   * the recorded future, exactly as it happened, so forecast-driven policies see no forecast error.
   *
   * <ul>
   *   <li>{@code current(zone)}: the signal of the slot covering now; {@link
   *       CarbonSourceException.Kind#UNAVAILABLE} when the trace has none.
   *   <li>{@code forecast(zone, horizon)}: the slots after the current one that start before
   *       {@code now + horizon}, in time order (the current slot itself is not included).
   *   <li>{@code history(zone, from, to)}: the slots overlapping {@code [from, to)}.
   *   <li>Zone: a trace that names a zone (an Electricity Maps export) serves only that zone, and
   *       any other throws {@link CarbonSourceException.Kind#NOT_FOUND}; a trace without one (the
   *       plain layout) serves whatever zone is asked for.
   *   <li>Signals are {@link SignalKind#AVERAGE}, carry {@code name} as their source and the
   *       file's estimated flag.
   * </ul>
   *
   * <p>{@link TraceTiming#ABSOLUTE}: trace times are real times.
   *
   * <p>{@link TraceTiming#YEAR_ALIGNED}: the trace's year is that of its first slot (UTC). "Now"
   * is mapped to the same month, day and time of day in that year (Feb 29 maps to Feb 28 when the
   * trace year has no Feb 29), and every signal returned is shifted back by the same offset, so
   * that {@link CarbonSignal#covers} and {@link CarbonSignal#ageAt} work against the real clock.
   * The trace year repeats: a forecast that runs past Dec 31 continues with the trace's Jan 1, so
   * a one-year trace replays every year. Instants the trace does not cover (a trace of part of a
   * year) are {@code UNAVAILABLE}. One offset is used per call ({@code history} takes it from
   * {@code from}), so the slots of one answer are always contiguous; when the real and the trace
   * year differ in leap-ness, a forecast across Feb 29 is a day out until the next call
   * re-aligns.
   *
   * @param name the source name, for logs and the {@code source} field of signals (e.g. {@code
   *     trace})
   */
  public static CarbonSource trace(CarbonTrace trace, Clock clock, TraceTiming timing, String name) {
    return new TraceCarbonSource(trace, clock, timing, name);
  }

  /** Electricity Maps' API host; the version ({@code /v3}, {@code /v4}) is added to it. */
  public static final URI ELECTRICITY_MAPS_URL = URI.create("https://api.electricitymaps.com");

  /** WattTime's API host ({@code /login} at its root, data under {@code /v3}). */
  public static final URI WATTTIME_URL = URI.create("https://api.watttime.org");

  /** The GB Carbon Intensity API (NESO). */
  public static final URI UK_URL = URI.create("https://api.carbonintensity.org.uk");

  /**
   * Electricity Maps, API v3 or v4, with the {@code auth-token} header: {@code latest} for the
   * current hour, {@code forecast}, {@code history} within the last 24 h and {@code past-range}
   * before that (10 days per call). Asks by zone, or by coordinates when the options carry them,
   * always with {@code shouldUseFallbackCallerLookup=false}. Signals are {@link
   * SignalKind#AVERAGE}, hourly; slots whose {@code carbonIntensity} is null are left out, and
   * when {@code latest} has none (or fails) the forecast's current slot stands in.
   *
   * @param token the API key; it never appears in a log line or an exception message
   */
  public static CarbonSource electricityMaps(
      HttpEndpoint endpoint, String token, ElectricityMapsOptions options, Clock clock) {
    return new ProviderCarbonSource(new ElectricityMapsProvider(endpoint, token, options, clock), clock);
  }

  /**
   * WattTime API v3, signal {@code co2_moer}: {@link SignalKind#MARGINAL}, converted from lbs/MWh
   * to g/kWh (x 0.45359237), 5-minute slots. The zone is the WattTime region ({@code
   * CAISO_NORTH}). Logs in with HTTP Basic on {@code /login}; the 30-minute token is renewed 5
   * minutes before it expires and once when a call is refused with 401 or 403 (an HTML 403 page
   * included); at most 10 logins per 5 minutes (WattTime allows 100), beyond that calls fail as
   * {@link CarbonSourceException.Kind#RATE_LIMITED} until the window frees.
   *
   * @param password never appears in a log line or an exception message, nor does the token
   */
  public static CarbonSource wattTime(
      HttpEndpoint endpoint, String username, String password, Clock clock) {
    return new ProviderCarbonSource(new WattTimeProvider(endpoint, username, password, clock), clock);
  }

  /**
   * The GB Carbon Intensity API (no key): national data, or one region when {@code region} is a
   * region id (1 to 17) or an outward postcode ({@code RG10}). Half-hour {@link
   * SignalKind#AVERAGE} slots; the value is {@code actual} when published, else {@code forecast}
   * (then marked estimated). Forecasts reach 48 h.
   *
   * @throws IllegalArgumentException for a region that is neither an id nor a postcode
   */
  public static CarbonSource uk(HttpEndpoint endpoint, Optional<String> region, Clock clock) {
    return new ProviderCarbonSource(new UkProvider(endpoint, region, clock), clock);
  }

  /**
   * A Carbon Aware SDK WebAPI (a site's relay). The zone is the SDK's location name; {@code kind}
   * is what its upstream provides (WattTime: marginal, Electricity Maps: average).
   */
  public static CarbonSource carbonAwareSdk(HttpEndpoint endpoint, SignalKind kind, Clock clock) {
    return new ProviderCarbonSource(new CarbonAwareSdkProvider(endpoint, kind, clock), clock);
  }

  /**
   * Another Carbon Governor daemon's site API ({@code GET /v1/carbon}, {@link SiteCarbonDocument}):
   * the signal and forecast that daemon last decided on, with their provider's zone, slot, kind
   * and estimated flag unchanged, so that {@code carbon.max-age} measures the provider's age. A
   * signal's source reads {@code <provider> via <endpoint name>}. A signal for another zone than
   * the one asked is a bad response. No history: {@code history} fails as unavailable.
   *
   * @param token the site API's bearer token, if it wants one; it never appears in a log line or
   *     an exception message
   * @param trusted the certificates TLS trusts alone (a site's private CA or self-signed
   *     certificate); empty: the JDK's default trust. Host names are verified either way.
   */
  public static CarbonSource governor(
      HttpEndpoint endpoint, Optional<String> token, List<X509Certificate> trusted, Clock clock) {
    return new ProviderCarbonSource(new GovernorProvider(endpoint, token, trusted, clock), clock);
  }

  /** Keeps {@link SourceHealth} for {@code source}: every call's outcome and latency. */
  public static TrackedCarbonSource tracked(CarbonSource source, Clock clock, Ticker ticker) {
    return new HealthTrackingSource(source, clock, ticker);
  }

  /**
   * A Caffeine cache in front of {@code source}: refreshed ahead (on {@code executor}) while the
   * cached answer is served, the last good answer kept through failing refreshes; see {@link
   * CacheOptions}. {@code history} is not cached.
   */
  public static CarbonSource cached(
      CarbonSource source, CacheOptions options, Clock clock, Ticker ticker, Executor executor) {
    return new CachingCarbonSource(source, options, clock, ticker, executor);
  }

  /**
   * Sources in order of preference, asked at once on {@code executor}: {@code current} is the
   * first source's signal (in order) that arrived within {@code budget} and is at most {@code
   * maxAge} old; {@code forecast} the first non-empty forecast within the budget. Neither waits
   * longer than the budget. When nothing qualifies: {@link CarbonSourceException.Kind#UNAVAILABLE}
   * with every source's reason. {@code history} asks each in turn, without a budget.
   */
  public static CarbonSource fallback(
      List<CarbonSource> sources, Clock clock, Duration maxAge, Duration budget, Executor executor) {
    return new FallbackCarbonSource(sources, clock, maxAge, budget, executor);
  }

  /** {@code source} asked for {@code zone} whatever zone it is asked for: a per-source zone. */
  public static CarbonSource inZone(CarbonSource source, String zone) {
    return new ZonedCarbonSource(source, zone);
  }
}
