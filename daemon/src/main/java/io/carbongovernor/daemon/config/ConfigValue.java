package io.carbongovernor.daemon.config;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.PowerCap;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * One value in a parsed file, with its location and its path for messages ({@code
 * carbon.sources[0].timeout}). The {@code as...} conversions report a problem and return empty when
 * the value does not fit, so a reader can go on and find the next problem.
 */
final class ConfigValue {

  private final YamlDocument doc;
  private final Problems problems;
  private final String pointer;
  private final String path;
  private final JsonNode node;

  private ConfigValue(
      YamlDocument doc, Problems problems, String pointer, String path, JsonNode node) {
    this.doc = doc;
    this.problems = problems;
    this.pointer = pointer;
    this.path = path;
    this.node = node;
  }

  static ConfigValue root(YamlDocument doc, Problems problems) {
    return new ConfigValue(doc, problems, "", "", doc.root());
  }

  ConfigValue child(String key) {
    return new ConfigValue(
        doc,
        problems,
        pointer + "/" + YamlTree.escape(key),
        path.isEmpty() ? key : path + "." + key,
        node.get(key));
  }

  ConfigValue element(int index) {
    return new ConfigValue(
        doc, problems, pointer + "/" + index, path + "[" + index + "]", node.get(index));
  }

  JsonNode node() {
    return node;
  }

  /** Where the value sits, for messages: {@code carbon.sources[0].timeout}; empty for the root. */
  String path() {
    return path;
  }

  YamlDocument document() {
    return doc;
  }

  Problems problems() {
    return problems;
  }

  Location location() {
    return doc.valueAt(pointer);
  }

  /** Where this value's key was written: the place to blame for the key itself. */
  Location keyLocation() {
    return doc.keyAt(pointer);
  }

  /** Reports a problem about this value, at its location. */
  void problem(String message) {
    problemAt(location(), message);
  }

  void problemAt(Location at, String message) {
    problems.add(doc.file(), at, prefixed(message));
  }

  String prefixed(String message) {
    return path.isEmpty() ? message : path + ": " + message;
  }

  /** How the value reads in a message: {@code 'abc'}, {@code a list}, ... */
  String describe() {
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    if (node.isNull()) {
      return "nothing";
    }
    return "'" + node.asString() + "'";
  }

  boolean isScalar() {
    return node.isValueNode() && !node.isNull();
  }

  Optional<ConfigMap> asMap() {
    if (!node.isObject()) {
      problem("expected a mapping (key: value lines), got " + describe());
      return Optional.empty();
    }
    return Optional.of(new ConfigMap(this));
  }

  /**
   * @param example how a list of this kind looks, for the message: {@code [alice, bob]}
   */
  Optional<List<ConfigValue>> asList(String example) {
    if (!node.isArray()) {
      problem("expected a list like " + example + ", got " + describe());
      return Optional.empty();
    }
    List<ConfigValue> elements = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      elements.add(element(i));
    }
    return Optional.of(elements);
  }

  /** Any non-empty scalar as text: {@code zone: 1234} is the zone "1234". */
  Optional<String> asString() {
    if (!isScalar()) {
      problem("expected a string, got " + describe());
      return Optional.empty();
    }
    String text = node.asString();
    if (text.isBlank()) {
      problem("must not be empty");
      return Optional.empty();
    }
    return Optional.of(text);
  }

  Optional<Integer> asInt(int min, int max) {
    if (!node.isIntegralNumber()) {
      problem("expected a whole number, got " + describe());
      return Optional.empty();
    }
    if (!node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
      problem(
          (max == Integer.MAX_VALUE
                  ? "must be at least " + min
                  : "must be from " + min + " to " + max)
              + ", got "
              + node.asString());
      return Optional.empty();
    }
    return Optional.of(node.intValue());
  }

  /** {@code true} or {@code false}; anything else (also the string 'yes') is a problem. */
  Optional<Boolean> asBoolean() {
    if (!node.isBoolean()) {
      problem("expected true or false, got " + describe());
      return Optional.empty();
    }
    return Optional.of(node.booleanValue());
  }

  Optional<Double> asNumber() {
    if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
      problem("expected a number, got " + describe());
      return Optional.empty();
    }
    return Optional.of(node.doubleValue());
  }

  Optional<Duration> asDuration(Duration min, Duration max) {
    return within(parsed(Durations::parse), min, max, Durations::format);
  }

  Optional<Power> asPower(Power min, Power max) {
    return within(parsed(Caps::parsePower), min, max, Caps::format);
  }

  private <T extends Comparable<T>> Optional<T> within(
      Optional<T> value, T min, T max, Function<T, String> format) {
    return value.filter(
        v -> {
          if (v.compareTo(min) >= 0 && v.compareTo(max) <= 0) {
            return true;
          }
          problem(
              "must be between "
                  + format.apply(min)
                  + " and "
                  + format.apply(max)
                  + ", got "
                  + format.apply(v));
          return false;
        });
  }

  Optional<PowerCap> asCap() {
    return parsed(Caps::parseCap);
  }

  <E extends Enum<E> & ConfigWord> Optional<E> asWord(Class<E> type) {
    List<E> constants = Arrays.asList(type.getEnumConstants());
    List<String> words = constants.stream().map(ConfigWord::word).toList();
    Optional<String> text = asString();
    if (text.isEmpty()) {
      return Optional.empty();
    }
    int index = words.indexOf(text.get());
    if (index < 0) {
      problem(
          "expected "
              + Suggestions.oneOf(words)
              + ", got "
              + describe()
              + Suggestions.didYouMean(text.get(), words));
      return Optional.empty();
    }
    return Optional.of(constants.get(index));
  }

  /** A path, resolved against the directory of the file it was written in. */
  Optional<Path> asPath() {
    return parsed(
        text -> {
          try {
            return doc.directory().resolve(Path.of(text)).normalize();
          } catch (InvalidPathException e) {
            throw new IllegalArgumentException("expected a file path, got " + describe());
          }
        });
  }

  Optional<URI> asHttpUrl() {
    return parsed(
        text -> {
          String expected =
              "expected an http or https URL like https://api.example.com, got " + describe();
          try {
            URI uri = new URI(text);
            boolean web =
                "http".equalsIgnoreCase(uri.getScheme())
                    || "https".equalsIgnoreCase(uri.getScheme());
            if (!web || uri.getHost() == null) {
              throw new IllegalArgumentException(expected);
            }
            return uri;
          } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected);
          }
        });
  }

  /** A string parsed by a function whose IllegalArgumentException carries the user message. */
  <T> Optional<T> parsed(Function<String, T> parse) {
    if (!isScalar()) {
      problem("expected a single value, got " + describe());
      return Optional.empty();
    }
    if (node.asString().isBlank()) {
      problem("must not be empty");
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(node.asString()));
    } catch (IllegalArgumentException e) {
      problem(e.getMessage());
      return Optional.empty();
    }
  }
}
