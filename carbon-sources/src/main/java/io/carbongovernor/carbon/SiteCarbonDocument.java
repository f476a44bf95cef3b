package io.carbongovernor.carbon;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The document a daemon's site API serves at {@code GET /v1/carbon}, and a {@code governor}
 * source reads: written and read here alone, so that both ends agree.
 *
 * <pre>{@code
 * {"zone": "DE", "as_of": "2026-03-01T10:05:00Z",
 *  "signal": {"zone": "DE", "start": "2026-03-01T10:00:00Z", "end": "2026-03-01T11:00:00Z",
 *             "intensity_g_per_kwh": 312.0, "kind": "average", "source": "electricitymaps",
 *             "estimated": false},
 *  "forecast": [ ...signals of the slots after the current one... ]}
 * }</pre>
 *
 * <p>{@code zone} is the serving daemon's zone; each signal names the zone its provider answered
 * for, and its provider, slot, kind and estimated flag as the provider gave them, so that a reader
 * measures a signal's age from the provider's slot. {@code signal} is null while the serving
 * daemon has no current signal (before its first tick, or in its fail-safe), and {@code as_of} (its
 * last tick) null before its first tick.
 */
public final class SiteCarbonDocument {

  /** The one path of the site API. */
  public static final String PATH = "/v1/carbon";

  /** Seven days of five-minute slots: more is no forecast this project reads. */
  static final int MAX_FORECAST = 7 * 24 * 12;

  /** The longest provider name read; a longer one is a bad response. */
  static final int MAX_SOURCE = 128;

  /** What a relayed signal's source says: the provider's name, and through which relay it came. */
  static final String VIA = " via ";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern CONTROL = Pattern.compile("\\p{Cc}");

  private SiteCarbonDocument() {}

  /** The document's bytes. */
  public static byte[] write(
      String zone, Optional<Instant> asOf, Optional<CarbonSignal> signal, List<CarbonSignal> forecast) {
    ObjectNode out = JSON.createObjectNode();
    out.put("zone", zone);
    asOf.ifPresentOrElse(t -> out.put("as_of", t.toString()), () -> out.putNull("as_of"));
    signal.ifPresentOrElse(s -> out.set("signal", signal(s)), () -> out.putNull("signal"));
    ArrayNode slots = out.putArray("forecast");
    forecast.forEach(s -> slots.add(signal(s)));
    return JSON.writeValueAsBytes(out);
  }

  private static ObjectNode signal(CarbonSignal s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("zone", s.zone());
    n.put("start", s.start().toString());
    n.put("end", s.end().toString());
    n.put("intensity_g_per_kwh", s.intensity().gramsPerKwh());
    n.put("kind", s.kind().word());
    n.put("source", s.source());
    n.put("estimated", s.estimated());
    return n;
  }

  /** What a reader takes from a document: the current signal if any, and the forecast in order. */
  record Relayed(Optional<CarbonSignal> signal, List<CarbonSignal> forecast) {
    Relayed {
      Objects.requireNonNull(signal, "signal");
      forecast = List.copyOf(forecast);
    }
  }

  /**
   * Reads a document for {@code zone}: each signal must be for that zone; its source becomes
   * {@code <provider> via <relay>}.
   *
   * @throws CarbonSourceException (bad response) for anything not shaped as written here
   */
  static Relayed read(JsonNode body, String zone, String relay, JsonFields json) {
    if (!body.isObject()) {
      throw json.bad("expected an object");
    }
    JsonNode current = body.get("signal");
    if (current == null) {
      throw json.bad("expected a field 'signal' (absent)");
    }
    Optional<CarbonSignal> signal =
        current.isNull() ? Optional.empty() : Optional.of(signal(current, zone, relay, json, "signal"));
    JsonNode slots = json.array(body, "forecast", "forecast");
    if (slots.size() > MAX_FORECAST) {
      throw json.bad("forecast: " + slots.size() + " slots, more than " + MAX_FORECAST);
    }
    List<CarbonSignal> forecast = new ArrayList<>();
    for (JsonNode s : slots) {
      forecast.add(signal(s, zone, relay, json, "forecast"));
    }
    forecast.sort(Comparator.comparing(CarbonSignal::start));
    return new Relayed(signal, forecast);
  }

  private static CarbonSignal signal(JsonNode n, String zone, String relay, JsonFields json, String where) {
    if (!n.isObject()) {
      throw json.bad(where + ": expected a signal object (found " + n.getNodeType().name().toLowerCase(Locale.ROOT) + ")");
    }
    String answered =
        json.name(n, "zone", where).orElseThrow(() -> json.bad(where + ": expected a zone 'zone' (absent)"));
    json.sameZone(answered, zone, "zone", where);
    Instant start = json.time(n, "start", where);
    Instant end = json.time(n, "end", where);
    if (!end.isAfter(start)) {
      throw json.bad(where + ": slot end " + end + " is not after its start " + start);
    }
    double value =
        json.number(n, "intensity_g_per_kwh", where)
            .orElseThrow(() -> json.bad(where + ": expected a number 'intensity_g_per_kwh' (absent)"));
    return new CarbonSignal(
        answered, start, end, json.intensity(value, where), kind(n, json, where),
        source(n, json, where) + VIA + relay, estimated(n, json, where));
  }

  private static SignalKind kind(JsonNode n, JsonFields json, String where) {
    JsonNode v = n.get("kind");
    if (v != null && v.isString()) {
      for (SignalKind k : SignalKind.values()) {
        if (k.word().equals(v.asString())) {
          return k;
        }
      }
    }
    throw json.bad(where + ": expected 'kind' average or marginal");
  }

  private static String source(JsonNode n, JsonFields json, String where) {
    JsonNode v = n.get("source");
    if (v == null || !v.isString()) {
      throw json.bad(where + ": expected a text 'source'");
    }
    String text = v.asString().strip();
    if (text.isEmpty() || text.length() > MAX_SOURCE || CONTROL.matcher(text).find()) {
      throw json.bad(where + ": 'source' must be 1 to " + MAX_SOURCE + " printable characters");
    }
    return text;
  }

  private static boolean estimated(JsonNode n, JsonFields json, String where) {
    JsonNode v = n.get("estimated");
    if (v == null || !v.isBoolean()) {
      throw json.bad(where + ": expected true or false for 'estimated'");
    }
    return v.asBoolean();
  }
}
