package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import tools.jackson.databind.JsonNode;

/**
 * A Green Software Foundation Carbon Aware SDK WebAPI, typically a site's central relay: {@code
 * /emissions/bylocation} for current and past values, {@code /emissions/forecasts/current} for
 * the forecast. The zone is the SDK's location name (e.g. {@code eastus}). Values are g/kWh; their
 * kind depends on the SDK's upstream, so it is configured.
 */
final class CarbonAwareSdkProvider implements Provider {

  static final Duration LATEST_LOOKBACK = Duration.ofHours(2);
  private static final Pattern TIME_SPAN =
      Pattern.compile("(?:(\\d+)\\.)?(\\d{1,2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?");

  private final JsonHttp http;
  private final JsonFields json;
  private final SignalKind kind;
  private final Clock clock;

  CarbonAwareSdkProvider(HttpEndpoint endpoint, SignalKind kind, Clock clock) {
    this.http = new JsonHttp(endpoint, Redactor.none(), clock);
    this.json = new JsonFields(endpoint.name());
    this.kind = kind;
    this.clock = clock;
  }

  @Override
  public String name() {
    return http.source();
  }

  @Override
  public CarbonSignal latest(String zone) {
    Instant now = clock.instant();
    List<CarbonSignal> recent = byLocation(zone, now.minus(LATEST_LOOKBACK), now);
    CarbonSignal best = null;
    for (CarbonSignal s : recent) {
      if (!s.start().isAfter(now)) {
        best = s;
      }
    }
    if (best == null) {
      throw new CarbonSourceException(
          Kind.UNAVAILABLE, name(), "bylocation: no data for " + zone + " in the last " + LATEST_LOOKBACK.toHours() + " h");
    }
    return best;
  }

  @Override
  public List<CarbonSignal> forecastFromNow(String zone, Duration horizon) {
    HttpUrl url =
        http.url().addPathSegments("emissions/forecasts/current").addQueryParameter("location", zone).build();
    Optional<JsonNode> body = http.get(url, Headers.of());
    if (body.isEmpty()) {
      return List.of();
    }
    JsonNode answer = body.get();
    if (!answer.isArray()) {
      throw json.bad("forecasts/current: expected an array");
    }
    if (answer.isEmpty()) {
      return List.of();
    }
    JsonNode first = answer.get(0);
    if (!first.isObject()) {
      throw json.bad("forecasts/current: expected objects in the list");
    }
    // The forecast names the location asked; its rows name the upstream's own region.
    json.name(first, "location", "forecasts/current")
        .ifPresent(l -> json.sameZone(l, zone, "location", "forecasts/current"));
    UpstreamRegion upstream = new UpstreamRegion("forecasts/current");
    List<CarbonSignal> out = new ArrayList<>();
    for (JsonNode p : json.array(first, "forecastData", "forecasts/current")) {
      if (!p.isObject()) {
        throw json.bad("forecasts/current: expected objects in 'forecastData'");
      }
      upstream.check(p);
      Instant start = json.time(p, "timestamp", "forecasts/current");
      var value = json.number(p, "value", "forecasts/current");
      if (value.isEmpty()) {
        continue;
      }
      JsonNode d = p.get("duration");
      long minutes = d != null && d.isNumber() && d.asLong() > 0 ? d.asLong() : 5;
      out.add(
          new CarbonSignal(
              zone, start, start.plus(Duration.ofMinutes(minutes)),
              json.intensity(value.getAsDouble(), "forecasts/current"), kind, name(), true));
    }
    out.sort(java.util.Comparator.comparing(CarbonSignal::start));
    return out;
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    List<CarbonSignal> out = new ArrayList<>();
    for (CarbonSignal s : byLocation(zone, from, to)) {
      if (s.end().isAfter(from) && s.start().isBefore(to)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  private List<CarbonSignal> byLocation(String zone, Instant from, Instant to) {
    HttpUrl url =
        http.url()
            .addPathSegments("emissions/bylocation")
            .addQueryParameter("location", zone)
            .addQueryParameter("time", from.toString())
            .addQueryParameter("toTime", to.toString())
            .build();
    Optional<JsonNode> body = http.get(url, Headers.of());
    if (body.isEmpty()) {
      return List.of(); // 204: the SDK has no data for that range
    }
    if (!body.get().isArray()) {
      throw json.bad("bylocation: expected an array");
    }
    List<Instant> starts = new ArrayList<>();
    List<JsonNode> rows = new ArrayList<>();
    UpstreamRegion upstream = new UpstreamRegion("bylocation");
    for (JsonNode r : body.get()) {
      if (!r.isObject()) {
        throw json.bad("bylocation: expected objects in the list");
      }
      upstream.check(r);
      if (json.number(r, "rating", "bylocation").isPresent()) {
        starts.add(json.time(r, "time", "bylocation"));
        rows.add(r);
      }
    }
    List<Instant> guessed = SlotEnds.of(starts, Duration.ofHours(1));
    List<CarbonSignal> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      JsonNode r = rows.get(i);
      Instant start = starts.get(i);
      Instant end = timeSpan(r.get("duration")).map(start::plus).orElse(guessed.get(i));
      out.add(
          new CarbonSignal(
              zone, start, end,
              json.intensity(json.number(r, "rating", "bylocation").getAsDouble(), "bylocation"),
              kind, name(), false));
    }
    out.sort(java.util.Comparator.comparing(CarbonSignal::start));
    return out;
  }

  /**
   * The rows of an SDK answer name the region of the SDK's upstream (a WattTime balancing
   * authority such as {@code PJM_DC} for {@code eastus}), not the location asked, so they cannot
   * be compared with it; but one answer for one location holds one region, and rows of two are a
   * bad response.
   */
  private final class UpstreamRegion {

    private final String where;
    private String first;

    UpstreamRegion(String where) {
      this.where = where;
    }

    void check(JsonNode row) {
      json.name(row, "location", where).ifPresent(l -> {
        if (first == null) {
          first = l;
        } else if (!l.equalsIgnoreCase(first)) {
          throw json.bad(where + ": answer is for two locations, '" + first + "' and '" + l + "'");
        }
      });
    }
  }

  /** .NET TimeSpan text: {@code hh:mm:ss} or {@code d.hh:mm:ss}, optional fraction. */
  static Optional<Duration> timeSpan(JsonNode node) {
    if (node == null || !node.isString()) {
      return Optional.empty();
    }
    Matcher m = TIME_SPAN.matcher(node.asString().strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    long days = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
    Duration d =
        Duration.ofDays(days)
            .plusHours(Long.parseLong(m.group(2)))
            .plusMinutes(Long.parseLong(m.group(3)))
            .plusSeconds(Long.parseLong(m.group(4)));
    return (!d.isNegative() && !d.isZero()) ? Optional.of(d) : Optional.empty();
  }

  @Override
  public String toString() {
    return "CarbonAwareSdkProvider[" + name() + ", " + kind.word() + "]";
  }
}
