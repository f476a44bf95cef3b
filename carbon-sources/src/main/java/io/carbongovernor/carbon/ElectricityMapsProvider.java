package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * Electricity Maps, API v3 or v4: {@code carbon-intensity/latest}, {@code forecast}, {@code
 * history} (last 24 h) and {@code past-range} (older, 10 days per call). Values are average
 * intensities in gCO2eq/kWh, hourly; {@code carbonIntensity} may be null (such slots are left
 * out).
 */
final class ElectricityMapsProvider implements Provider {

  static final Duration SLOT = Duration.ofHours(1);
  static final Duration HISTORY_WINDOW = Duration.ofHours(24);
  static final Duration PAST_RANGE_LIMIT = Duration.ofDays(10);

  private final JsonHttp http;
  private final JsonFields json;
  private final Headers auth;
  private final ElectricityMapsOptions options;
  private final Clock clock;

  ElectricityMapsProvider(
      HttpEndpoint endpoint, String token, ElectricityMapsOptions options, Clock clock) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("electricitymaps needs an API token");
    }
    this.http = new JsonHttp(endpoint, new Redactor(List.of(token)), clock);
    this.json = new JsonFields(endpoint.name());
    this.auth = Headers.of("auth-token", token);
    this.options = options;
    this.clock = clock;
  }

  @Override
  public String name() {
    return http.source();
  }

  private HttpUrl.Builder url(String endpoint, String zone) {
    HttpUrl.Builder url =
        http.url().addPathSegment(options.version().path()).addPathSegments("carbon-intensity/" + endpoint);
    if (options.coordinates().isPresent()) {
      url.addQueryParameter("lat", Double.toString(options.coordinates().get().latitude()))
          .addQueryParameter("lon", Double.toString(options.coordinates().get().longitude()));
    } else {
      url.addQueryParameter("zone", zone);
    }
    // Without this the API answers for the caller's IP location when the zone is not found.
    return url.addQueryParameter("shouldUseFallbackCallerLookup", "false")
        .addQueryParameter("emissionFactorType", options.emissionFactor().wire());
  }

  private JsonNode get(HttpUrl url) {
    return http.get(url, auth)
        .orElseThrow(() -> new CarbonSourceException(Kind.UNAVAILABLE, name(), "no content"));
  }

  @Override
  public CarbonSignal latest(String zone) {
    JsonNode body = get(url("latest", zone).build());
    if (!body.isObject()) {
      throw json.bad("latest: expected an object");
    }
    String answered = zoneOf(body, zone, "latest");
    Instant start = json.time(body, "datetime", "latest");
    OptionalDouble value = json.number(body, "carbonIntensity", "latest");
    if (value.isEmpty()) {
      throw new CarbonSourceException(
          Kind.UNAVAILABLE, name(), "latest: no carbon intensity for the slot at " + start);
    }
    return new CarbonSignal(
        answered,
        start,
        start.plus(SLOT),
        json.intensity(value.getAsDouble(), "latest"),
        SignalKind.AVERAGE,
        name(),
        json.flag(body, "isEstimated", false));
  }

  @Override
  public List<CarbonSignal> forecastFromNow(String zone, Duration horizon) {
    JsonNode body = get(url("forecast", zone).build());
    String z = zoneOf(body, zone, "forecast");
    return records(json.array(body, "forecast", "forecast"), z, "forecast", true);
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    Instant now = clock.instant();
    List<CarbonSignal> all = new ArrayList<>();
    if (!from.isBefore(now.minus(HISTORY_WINDOW))) {
      JsonNode body = get(url("history", zone).build());
      all.addAll(records(json.array(body, "history", "history"), zoneOf(body, zone, "history"), "history", false));
    } else {
      for (Instant s = from; s.isBefore(to); s = s.plus(PAST_RANGE_LIMIT)) {
        Instant e = s.plus(PAST_RANGE_LIMIT).isBefore(to) ? s.plus(PAST_RANGE_LIMIT) : to;
        HttpUrl url =
            url("past-range", zone)
                .addQueryParameter("start", s.toString())
                .addQueryParameter("end", e.toString())
                .build();
        JsonNode body = get(url);
        all.addAll(records(json.array(body, "data", "past-range"), zoneOf(body, zone, "past-range"), "past-range", false));
      }
    }
    List<CarbonSignal> out = new ArrayList<>();
    Instant last = null;
    for (CarbonSignal s : all) {
      boolean overlaps = s.end().isAfter(from) && s.start().isBefore(to);
      if (overlaps && (last == null || s.start().isAfter(last))) {
        out.add(s);
        last = s.start();
      }
    }
    return List.copyOf(out);
  }

  /**
   * Records with a value, in time order; {@code forecast} records count as estimated. A record
   * that names a zone must name the answer's.
   */
  private List<CarbonSignal> records(JsonNode array, String zone, String where, boolean forecast) {
    List<Instant> starts = new ArrayList<>();
    List<JsonNode> withValue = new ArrayList<>();
    for (JsonNode r : array) {
      if (!r.isObject()) {
        throw json.bad(where + ": expected objects in the list");
      }
      json.name(r, "zone", where).ifPresent(z -> json.sameZone(z, zone, "zone", where));
      Instant start = json.time(r, "datetime", where);
      if (json.number(r, "carbonIntensity", where).isPresent()) {
        starts.add(start);
        withValue.add(r);
      }
    }
    List<Instant> ends = SlotEnds.of(starts, SLOT);
    List<CarbonSignal> out = new ArrayList<>();
    for (int i = 0; i < withValue.size(); i++) {
      JsonNode r = withValue.get(i);
      double v = json.number(r, "carbonIntensity", where).getAsDouble();
      out.add(
          new CarbonSignal(
              zone,
              starts.get(i),
              ends.get(i),
              json.intensity(v, where),
              SignalKind.AVERAGE,
              name(),
              forecast || json.flag(r, "isEstimated", false)));
    }
    out.sort(java.util.Comparator.comparing(CarbonSignal::start));
    return out;
  }

  /**
   * The zone an answer is for. Asked by zone, an answer that names another is a bad response;
   * asked by coordinates, the API chooses the zone, so the one it names stands.
   */
  private String zoneOf(JsonNode body, String asked, String where) {
    Optional<String> named = json.name(body, "zone", where);
    if (options.coordinates().isPresent()) {
      return named.orElse(asked);
    }
    named.ifPresent(z -> json.sameZone(z, asked, "zone", where));
    return asked;
  }

  @Override
  public String toString() {
    return "ElectricityMapsProvider[" + name() + ", " + options.version().path() + ", "
        + options.emissionFactor().name().toLowerCase(Locale.ROOT) + "]";
  }
}
