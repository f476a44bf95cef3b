package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.history.Retention;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code history.retention}: {@code raw}, {@code minutes} and {@code hours}, each a duration
 * or {@code forever}. A coarser resolution must be kept at least as long as a finer one.
 */
final class RetentionReader {

  /** The sampler prunes once an hour; keeping less than that would not be honoured. */
  static final Duration MIN = Duration.ofHours(1);

  private static final String FOREVER = "forever";

  static final Set<String> KEYS = Set.of("raw", "minutes", "hours");

  private RetentionReader() {}

  /** What was read for one key: its value (empty is forever) and whether it was valid. */
  private record Keep(Optional<ConfigValue> given, Optional<Duration> value, boolean valid) {}

  static Retention read(ConfigMap section) {
    section.allowOnly(KEYS);
    Retention defaults = Retention.DEFAULT;
    Keep raw = keep(section, "raw", defaults.raw());
    Keep minutes = keep(section, "minutes", defaults.minutes());
    Keep hours = keep(section, "hours", defaults.hours());
    boolean ordered = ordered("raw", raw, "minutes", minutes) & ordered("minutes", minutes, "hours", hours);
    if (!ordered || !raw.valid() || !minutes.valid() || !hours.valid()) {
      return defaults; // reported; the loader will not return this config
    }
    return new Retention(raw.value(), minutes.value(), hours.value());
  }

  private static Keep keep(ConfigMap section, String key, Optional<Duration> fallback) {
    Optional<ConfigValue> given = section.get(key);
    if (given.isEmpty()) {
      return new Keep(given, fallback, true);
    }
    ConfigValue v = given.get();
    Optional<Optional<Duration>> read =
        v.parsed(RetentionReader::parse)
            .filter(
                d -> {
                  if (d.isPresent() && d.get().compareTo(MIN) < 0) {
                    v.problem(
                        "must be at least " + Durations.format(MIN) + " or " + FOREVER + ", got "
                            + Durations.format(d.get()));
                    return false;
                  }
                  return true;
                });
    return new Keep(given, read.orElse(fallback), read.isPresent());
  }

  private static Optional<Duration> parse(String text) {
    if (text.strip().equals(FOREVER)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Durations.parse(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "expected a duration like 7d or the word " + FOREVER + ", got '" + text + "'");
    }
  }

  /**
   * Whether {@code coarser} is kept at least as long as {@code finer}; if not, blames the one that
   * was written (the coarser one when both were).
   */
  private static boolean ordered(String finerName, Keep finer, String coarserName, Keep coarser) {
    if (!finer.valid() || !coarser.valid() || !Retention.shorter(coarser.value(), finer.value())) {
      return true;
    }
    if (coarser.given().isPresent()) {
      coarser.given().get().problem(
          "must be at least as long as " + finerName + " (" + describe(finer.value()) + "), got "
              + describe(coarser.value()));
    } else {
      finer.given().orElseThrow().problem(
          "must not be longer than " + coarserName + " (" + describe(coarser.value())
              + " by default), got " + describe(finer.value()));
    }
    return false;
  }

  private static String describe(Optional<Duration> keep) {
    return keep.map(Durations::format).orElse(FOREVER);
  }
}
