package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** A YAML mapping being read: key checks and typed getters that fall back to defaults. */
final class ConfigMap {

  private final ConfigValue self;

  ConfigMap(ConfigValue self) {
    this.self = self;
  }

  ConfigValue value() {
    return self;
  }

  List<String> keys() {
    return List.copyOf(self.node().propertyNames());
  }

  boolean has(String key) {
    return self.node().has(key);
  }

  Optional<ConfigValue> get(String key) {
    return has(key) ? Optional.of(self.child(key)) : Optional.empty();
  }

  /** The value, or empty after reporting the key missing at this mapping's location. */
  Optional<ConfigValue> require(String key) {
    if (!has(key)) {
      self.problem("missing required key '" + key + "'");
    }
    return get(key);
  }

  /** Reports every key that is not {@code known}, with a "did you mean" where one is close. */
  void allowOnly(Collection<String> known) {
    allowOnly(known, key -> Optional.empty());
  }

  /**
   * @param explain a better message than "unknown key" for some keys (such as keys that belong to
   *     another source type)
   */
  void allowOnly(Collection<String> known, Function<String, Optional<String>> explain) {
    for (String key : keys()) {
      if (!known.contains(key)) {
        String message =
            explain
                .apply(key)
                .orElseGet(() -> "unknown key '" + key + "'" + Suggestions.didYouMean(key, known));
        self.problemAt(self.child(key).keyLocation(), message);
      }
    }
  }

  Optional<ConfigMap> map(String key) {
    return get(key).flatMap(ConfigValue::asMap);
  }

  Optional<String> string(String key) {
    return get(key).flatMap(ConfigValue::asString);
  }

  String string(String key, String fallback) {
    return string(key).orElse(fallback);
  }

  Duration duration(String key, Duration fallback, Duration min, Duration max) {
    return get(key).flatMap(v -> v.asDuration(min, max)).orElse(fallback);
  }

  int integer(String key, int fallback, int min, int max) {
    return get(key).flatMap(v -> v.asInt(min, max)).orElse(fallback);
  }

  /** The word's constant, or {@code fallback} when the key is absent or wrong (reported). */
  <E extends Enum<E> & ConfigWord> E word(String key, Class<E> type, E fallback) {
    return get(key).flatMap(v -> v.asWord(type)).orElse(fallback);
  }

  /** As {@link #word(String, Class, Enum)}, for keys that belong to a source type. */
  <E extends Enum<E> & ConfigWord> Optional<E> word(String key, E fallback) {
    return Optional.of(word(key, fallback.getDeclaringClass(), fallback));
  }

  Path path(String key, Path fallback) {
    return get(key).flatMap(ConfigValue::asPath).orElse(fallback);
  }
}
