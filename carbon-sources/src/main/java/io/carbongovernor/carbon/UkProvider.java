package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * The GB Carbon Intensity API (NESO, no key), national or one region (id 1 to 17, or an outward
 * postcode). Half-hour slots; {@code actual} is null for future slots and absent for regions,
 * where {@code forecast} is the value (marked estimated). Times come without seconds.
 */
final class UkProvider implements Provider {

  static final Duration HISTORY_CHUNK = Duration.ofDays(14);
  private static final Pattern REGION_ID = Pattern.compile("[1-9]|1[0-7]");
  private static final DateTimeFormatter MINUTES =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final JsonHttp http;
  private final JsonFields json;
  private final Clock clock;
  /** Path suffix of the region ("regionid/13", "postcode/RG10"), empty for national data. */
  private final Optional<String> region;

  UkProvider(HttpEndpoint endpoint, Optional<String> region, Clock clock) {
    this.http = new JsonHttp(endpoint, Redactor.none(), clock);
    this.json = new JsonFields(endpoint.name());
    this.clock = clock;
    this.region = region.map(String::strip).map(UkProvider::regionPath);
  }

  static String regionPath(String region) {
    if (REGION_ID.matcher(region).matches()) {
      return "regionid/" + region;
    }
    if (region.matches("[A-Za-z]{1,2}[0-9][A-Za-z0-9]?")) {
      return "postcode/" + region.toUpperCase(Locale.ROOT);
    }
    throw new IllegalArgumentException(
        "uk region must be a region id 1 to 17 or an outward postcode like RG10, got '" + region + "'");
  }

  @Override
  public String name() {
    return http.source();
  }

  private JsonNode get(HttpUrl url) {
    return http.get(url, Headers.of())
        .orElseThrow(() -> new CarbonSourceException(Kind.UNAVAILABLE, name(), "no content"));
  }

  /** A time the API reads as the slot containing it: the half hour plus one minute. */
  static String slotTime(Instant t) {
    Instant half = t.truncatedTo(ChronoUnit.HOURS);
    if (!t.isBefore(half.plus(Duration.ofMinutes(30)))) {
      half = half.plus(Duration.ofMinutes(30));
    }
    return MINUTES.format(half.plus(Duration.ofMinutes(1)));
  }

  @Override
  public CarbonSignal latest(String zone) {
    List<CarbonSignal> slots;
    if (region.isEmpty()) {
      slots = slots(json.array(get(http.url().addPathSegment("intensity").build()), "data", "intensity"), zone, "intensity");
    } else {
      JsonNode body = get(http.url().addPathSegment("regional").addPathSegments(region.get()).build());
      slots = slots(json.array(regionData(body, "regional"), "data", "regional"), zone, "regional");
    }
    if (slots.isEmpty()) {
      throw new CarbonSourceException(Kind.UNAVAILABLE, name(), "no current slot in the answer");
    }
    return slots.get(slots.size() - 1);
  }

  @Override
  public List<CarbonSignal> forecastFromNow(String zone, Duration horizon) {
    String window = horizon.compareTo(Duration.ofHours(24)) <= 0 ? "fw24h" : "fw48h";
    String from = slotTime(clock.instant());
    if (region.isEmpty()) {
      HttpUrl url = http.url().addPathSegment("intensity").addPathSegment(from).addPathSegment(window).build();
      return slots(json.array(get(url), "data", "forecast"), zone, "forecast");
    }
    HttpUrl url =
        http.url().addPathSegment("regional").addPathSegment("intensity").addPathSegment(from)
            .addPathSegment(window).addPathSegments(region.get()).build();
    return slots(json.array(regionData(get(url), "forecast"), "data", "forecast"), zone, "forecast");
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    List<CarbonSignal> out = new ArrayList<>();
    for (Instant s = from; s.isBefore(to); s = s.plus(HISTORY_CHUNK)) {
      Instant e = s.plus(HISTORY_CHUNK).isBefore(to) ? s.plus(HISTORY_CHUNK) : to;
      HttpUrl.Builder url = http.url();
      if (region.isPresent()) {
        url.addPathSegment("regional");
      }
      url.addPathSegment("intensity").addPathSegment(MINUTES.format(s)).addPathSegment(MINUTES.format(e));
      region.ifPresent(url::addPathSegments);
      JsonNode body = get(url.build());
      JsonNode list = region.isEmpty() ? json.array(body, "data", "history") : json.array(regionData(body, "history"), "data", "history");
      for (CarbonSignal sig : slots(list, zone, "history")) {
        boolean overlaps = sig.end().isAfter(from) && sig.start().isBefore(to);
        if (overlaps && (out.isEmpty() || sig.start().isAfter(out.get(out.size() - 1).start()))) {
          out.add(sig);
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * The region object of a regional answer. Single-region range endpoints answer {@code data} as
   * an object, the current one as a one-element array; both are accepted. It names its region by
   * id (and by postcode when asked by one): another region than asked is a bad response. The
   * national answers name no region, so there is nothing of theirs to compare.
   */
  private JsonNode regionData(JsonNode body, String where) {
    JsonNode data = body.get("data");
    if (data != null && data.isArray()) {
      if (data.isEmpty()) {
        throw new CarbonSourceException(Kind.UNAVAILABLE, name(), where + ": no region data");
      }
      data = data.get(0);
    }
    if (data == null || !data.isObject()) {
      throw json.bad(where + ": expected 'data' to hold the region");
    }
    String[] asked = region.orElseThrow().split("/", 2); // regionid/13, postcode/RG10
    json.name(data, asked[0], where).ifPresent(r -> json.sameZone(r, asked[1], asked[0], where));
    return data;
  }

  private List<CarbonSignal> slots(JsonNode array, String zone, String where) {
    List<CarbonSignal> out = new ArrayList<>();
    for (JsonNode slot : array) {
      if (!slot.isObject()) {
        throw json.bad(where + ": expected objects in 'data'");
      }
      Instant start = json.time(slot, "from", where);
      Instant end = json.time(slot, "to", where);
      if (!end.isAfter(start)) {
        throw json.bad(where + ": slot ends (" + end + ") before it starts (" + start + ")");
      }
      JsonNode intensity = json.object(slot, "intensity", where);
      OptionalDouble actual = json.number(intensity, "actual", where);
      OptionalDouble forecast = json.number(intensity, "forecast", where);
      if (actual.isEmpty() && forecast.isEmpty()) {
        continue;
      }
      double value = actual.isPresent() ? actual.getAsDouble() : forecast.getAsDouble();
      out.add(
          new CarbonSignal(
              zone, start, end, json.intensity(value, where), SignalKind.AVERAGE, name(), actual.isEmpty()));
    }
    out.sort(java.util.Comparator.comparing(CarbonSignal::start));
    return out;
  }

  @Override
  public String toString() {
    return "UkProvider[" + name() + region.map(r -> ", " + r).orElse(", national") + "]";
  }
}
