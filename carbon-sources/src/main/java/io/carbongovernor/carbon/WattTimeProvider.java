package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.nio.charset.StandardCharsets;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * WattTime API v3, signal {@code co2_moer} (marginal). Values come in lbs/MWh and are converted to
 * g/kWh (x 0.45359237). {@code latest} is the newest point of {@code /v3/historical} while it is
 * recent; otherwise the first point of {@code /v3/forecast}, which WattTime keeps within 5 minutes
 * of now, serves as the current value.
 */
final class WattTimeProvider implements Provider {

  private static final Logger log = LoggerFactory.getLogger("carbon");

  /** 1 lb/MWh = 453.59237 g / 1000 kWh. */
  static final double G_PER_KWH_PER_LB_PER_MWH = 0.45359237;
  static final String SIGNAL = "co2_moer";
  static final Duration DEFAULT_PERIOD = Duration.ofMinutes(5);
  /** A historical point older than this is not "latest": the forecast's current point is. */
  static final Duration LATEST_MAX_LAG = Duration.ofMinutes(15);
  static final Duration HISTORY_CHUNK = Duration.ofDays(30);
  static final int MAX_HORIZON_HOURS = 72;

  private final JsonHttp http;
  private final JsonFields json;
  private final WattTimeLogin login;
  private final Clock clock;
  private String lastWarnings;

  WattTimeProvider(HttpEndpoint endpoint, String username, String password, Clock clock) {
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      throw new IllegalArgumentException("watttime needs a username and a password");
    }
    String basic =
        Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.http = new JsonHttp(endpoint, new Redactor(List.of(password, basic)), clock);
    this.json = new JsonFields(endpoint.name());
    this.login = new WattTimeLogin(http, username, password, clock);
    this.clock = clock;
  }

  @Override
  public String name() {
    return http.source();
  }

  /** A data call with the current token; refused (401/403, HTML or not): one renewal, one retry. */
  private JsonNode call(HttpUrl url) {
    String token = login.token();
    try {
      return http.get(url, bearer(token)).orElseThrow(this::noContent);
    } catch (CarbonSourceException e) {
      if (e.kind() != Kind.AUTH) {
        throw e;
      }
      log.atDebug().addKeyValue("source", name()).log("token refused; logging in again");
      String fresh = login.renew(token);
      return http.get(url, bearer(fresh)).orElseThrow(this::noContent);
    }
  }

  private CarbonSourceException noContent() {
    return new CarbonSourceException(Kind.UNAVAILABLE, name(), "no content");
  }

  private static Headers bearer(String token) {
    return Headers.of("Authorization", "Bearer " + token);
  }

  private HttpUrl.Builder url(String path, String region) {
    return http.url()
        .addPathSegments(path)
        .addQueryParameter("region", region)
        .addQueryParameter("signal_type", SIGNAL);
  }

  @Override
  public CarbonSignal latest(String zone) {
    Instant now = clock.instant();
    List<CarbonSignal> recent = historical(zone, now.minus(Duration.ofHours(1)), now, "historical");
    if (recent.isEmpty()) {
      throw new CarbonSourceException(Kind.UNAVAILABLE, name(), "historical: no data in the last hour");
    }
    CarbonSignal newest = recent.get(recent.size() - 1);
    if (newest.ageAt(now).compareTo(LATEST_MAX_LAG) > 0) {
      throw new CarbonSourceException(
          Kind.UNAVAILABLE, name(), "historical: newest point ends " + newest.end() + ", lagging");
    }
    return newest;
  }

  @Override
  public List<CarbonSignal> forecastFromNow(String zone, Duration horizon) {
    long hours = Math.min(MAX_HORIZON_HOURS, Math.max(0, (horizon.toMinutes() + 59) / 60));
    HttpUrl url = url("v3/forecast", zone).addQueryParameter("horizon_hours", Long.toString(hours)).build();
    return points(call(url), zone, "forecast", true);
  }

  @Override
  public List<CarbonSignal> history(String zone, Instant from, Instant to) {
    List<CarbonSignal> out = new ArrayList<>();
    for (CarbonSignal s : historical(zone, from, to, "historical")) {
      if (s.end().isAfter(from) && s.start().isBefore(to)) {
        out.add(s);
      }
    }
    return List.copyOf(out);
  }

  private List<CarbonSignal> historical(String zone, Instant from, Instant to, String where) {
    List<CarbonSignal> out = new ArrayList<>();
    for (Instant s = from; s.isBefore(to); s = s.plus(HISTORY_CHUNK)) {
      Instant e = s.plus(HISTORY_CHUNK).isBefore(to) ? s.plus(HISTORY_CHUNK) : to;
      HttpUrl url =
          url("v3/historical", zone)
              .addQueryParameter("start", s.toString())
              .addQueryParameter("end", e.toString())
              .build();
      for (CarbonSignal sig : points(call(url), zone, where, false)) {
        if (out.isEmpty() || sig.start().isAfter(out.get(out.size() - 1).start())) {
          out.add(sig);
        }
      }
    }
    return out;
  }

  private List<CarbonSignal> points(JsonNode body, String zone, String where, boolean forecast) {
    JsonNode meta = body.get("meta");
    Duration period = DEFAULT_PERIOD;
    if (meta != null && meta.isObject()) {
      JsonNode units = meta.get("units");
      if (units != null && units.isString() && !units.asString().equals("lbs_co2_per_mwh")) {
        throw json.bad(where + ": units '" + units.asString() + "', expected lbs_co2_per_mwh");
      }
      JsonNode p = meta.get("data_point_period_seconds");
      if (p != null && p.isNumber() && p.asLong() > 0) {
        period = Duration.ofSeconds(p.asLong());
      }
      json.name(meta, "region", where).ifPresent(r -> json.sameZone(r, zone, "region", where));
      JsonNode warnings = meta.get("warnings");
      if (warnings != null && warnings.isArray() && !warnings.isEmpty()) {
        warn(warnings.toString());
      }
    }
    List<CarbonSignal> out = new ArrayList<>();
    for (JsonNode point : json.array(body, "data", where)) {
      if (!point.isObject()) {
        throw json.bad(where + ": expected objects in 'data'");
      }
      Instant start = json.time(point, "point_time", where);
      var value = json.number(point, "value", where);
      if (value.isEmpty()) {
        continue;
      }
      double grams = value.getAsDouble() * G_PER_KWH_PER_LB_PER_MWH;
      boolean estimated = forecast || json.flag(point, "imputed_data_used", false);
      out.add(
          new CarbonSignal(
              zone, start, start.plus(period), json.intensity(grams, where), SignalKind.MARGINAL,
              name(), estimated));
    }
    out.sort(java.util.Comparator.comparing(CarbonSignal::start));
    return out;
  }

  /** WattTime's {@code meta.warnings}, logged when they change rather than with every answer. */
  private synchronized void warn(String warnings) {
    if (!warnings.equals(lastWarnings)) {
      lastWarnings = warnings;
      log.atInfo()
          .addKeyValue("source", name())
          .addKeyValue("warnings", warnings.length() > 300 ? warnings.substring(0, 300) + "..." : warnings)
          .log("carbon source warns");
    }
  }

  @Override
  public String toString() {
    return "WattTimeProvider[" + name() + "]";
  }
}
