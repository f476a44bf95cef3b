package io.carbongovernor.carbon;

import io.carbongovernor.carbon.CarbonSourceException.Kind;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of provider answers; anything not shaped as documented is a {@link
 * Kind#BAD_RESPONSE} that says which field of which source.
 */
final class JsonFields {

  private final String source;

  JsonFields(String source) {
    this.source = source;
  }

  CarbonSourceException bad(String message) {
    return new CarbonSourceException(Kind.BAD_RESPONSE, source, message);
  }

  /** A child that must be an array. */
  JsonNode array(JsonNode node, String field, String where) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isArray()) {
      throw bad(where + ": expected an array '" + field + "'" + found(v));
    }
    return v;
  }

  /** A child that must be an object. */
  JsonNode object(JsonNode node, String field, String where) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || !v.isObject()) {
      throw bad(where + ": expected an object '" + field + "'" + found(v));
    }
    return v;
  }

  /**
   * An ISO-8601 time with an offset. Accepts what the providers send: milliseconds and {@code Z}
   * (Electricity Maps), {@code +00:00} (WattTime), minutes without seconds (the UK API).
   */
  Instant time(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isString()) {
      throw bad(where + ": expected a time '" + field + "'" + found(v));
    }
    try {
      return OffsetDateTime.parse(v.asString()).toInstant();
    } catch (DateTimeParseException e) {
      throw bad(where + ": cannot read time '" + field + "': '" + v.asString() + "'");
    }
  }

  /** A nullable number: empty when absent or null, BAD_RESPONSE when something else. */
  OptionalDouble number(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return OptionalDouble.empty();
    }
    if (!v.isNumber()) {
      throw bad(where + ": expected a number '" + field + "'" + found(v));
    }
    return OptionalDouble.of(v.asDouble());
  }

  /** Text that names something (a zone, a region): empty when absent, null or blank. */
  Optional<String> name(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isString() && !v.isIntegralNumber()) {
      throw bad(where + ": expected a name '" + field + "'" + found(v));
    }
    String text = v.asString().strip();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  /**
   * Fails when an answer names another zone than the one asked: its values are another grid's.
   * Names compare without case, which no two zones differ by alone.
   */
  void sameZone(String answered, String asked, String field, String where) {
    if (!answered.equalsIgnoreCase(asked)) {
      throw bad(where + ": answer is for " + field + " '" + answered + "', not '" + asked + "' as asked");
    }
  }

  /** A boolean that defaults when absent or null. */
  boolean flag(JsonNode node, String field, boolean absent) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return absent;
    }
    if (!v.isBoolean()) {
      throw bad("expected true or false for '" + field + "'" + found(v));
    }
    return v.asBoolean();
  }

  /** An intensity in g/kWh: NaN, negative or above 3000 is a bad response. */
  CarbonIntensity intensity(double gramsPerKwh, String where) {
    if (!CarbonIntensity.isPlausible(gramsPerKwh)) {
      throw bad(
          where
              + ": implausible carbon intensity "
              + String.format(Locale.ROOT, "%.3f", gramsPerKwh)
              + " gCO2eq/kWh (expected 0 to "
              + (int) CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH
              + ")");
    }
    return CarbonIntensity.gramsPerKwh(gramsPerKwh);
  }

  private static String found(JsonNode v) {
    if (v == null) {
      return " (absent)";
    }
    return " (found " + v.getNodeType().name().toLowerCase(Locale.ROOT) + ")";
  }
}
