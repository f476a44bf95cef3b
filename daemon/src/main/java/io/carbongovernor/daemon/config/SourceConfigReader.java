package io.carbongovernor.daemon.config;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import io.carbongovernor.daemon.config.SourceConfig.ApiVersion;
import io.carbongovernor.daemon.config.SourceConfig.Column;
import io.carbongovernor.daemon.config.SourceConfig.EmissionFactor;
import io.carbongovernor.daemon.config.SourceConfig.IntensityKind;
import io.carbongovernor.daemon.config.SourceConfig.Timing;
import io.carbongovernor.daemon.config.SourceConfig.Type;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Reads {@code carbon.sources}: each entry, its type's keys, its secrets, unique names. */
final class SourceConfigReader {

  static final Set<String> COMMON_KEYS =
      Set.of("type", "name", "base-url", "zone", "timeout");

  /** The keys each type takes besides the common ones. */
  static final Map<Type, Set<String>> TYPE_KEYS = typeKeys();

  private static Map<Type, Set<String>> typeKeys() {
    Set<String> electricityMaps = new LinkedHashSet<>(SecretReader.keys("token"));
    electricityMaps.addAll(List.of("api-version", "emission-factor", "latitude", "longitude"));
    Set<String> wattTime = new LinkedHashSet<>(SecretReader.keys("password"));
    wattTime.add("username");
    Map<Type, Set<String>> keys = new EnumMap<>(Type.class);
    keys.put(Type.ELECTRICITYMAPS, Collections.unmodifiableSet(electricityMaps));
    keys.put(Type.WATTTIME, Collections.unmodifiableSet(wattTime));
    keys.put(Type.UK, Set.of("region"));
    keys.put(Type.CARBON_AWARE_SDK, Set.of("kind"));
    Set<String> governor = new LinkedHashSet<>(SecretReader.keys("token"));
    governor.add("ca-file");
    keys.put(Type.GOVERNOR, Collections.unmodifiableSet(governor));
    keys.put(Type.TRACE, Set.of("file", "timing", "column"));
    return Collections.unmodifiableMap(keys);
  }

  /** A GB region id (1 to 17) or an outward postcode such as RG10 or BS7. */
  private static final java.util.regex.Pattern UK_REGION =
      java.util.regex.Pattern.compile("[1-9]|1[0-7]|[A-Za-z]{1,2}[0-9][A-Za-z0-9]?");

  private static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  private final LoadContext context;

  SourceConfigReader(LoadContext context) {
    this.context = context;
  }

  /** All sources that read cleanly; the list's problems are reported. */
  List<SourceConfig> readAll(ConfigValue list) {
    List<SourceConfig> sources = new ArrayList<>();
    Optional<List<ConfigValue>> entries = list.asList("[{type: trace, file: trace.csv}]");
    if (entries.isEmpty()) {
      return sources;
    }
    if (entries.get().isEmpty()) {
      list.problem("list at least one source");
    }
    Map<String, ConfigValue> names = new HashMap<>();
    for (ConfigValue entry : entries.get()) {
      Optional<SourceConfig> source = entry.asMap().flatMap(this::read);
      if (source.isEmpty()) {
        continue;
      }
      ConfigValue where = entry.asMap().flatMap(m -> m.get("name")).orElse(entry);
      ConfigValue first = names.putIfAbsent(source.get().name(), entry);
      if (first != null) {
        where.problem(
            "source name '"
                + source.get().name()
                + "' is already used by "
                + first.path()
                + "; give each source a distinct name");
      }
      sources.add(source.get());
    }
    return sources;
  }

  private Optional<SourceConfig> read(ConfigMap map) {
    Optional<Type> type = map.require("type").flatMap(v -> v.asWord(Type.class));
    if (type.isEmpty()) {
      map.allowOnly(allKeys());
      return Optional.empty();
    }
    Type t = type.get();
    Set<String> allowed = new LinkedHashSet<>(COMMON_KEYS);
    allowed.addAll(TYPE_KEYS.get(t));
    map.allowOnly(allowed, key -> onlyForOtherTypes(key, t));

    Optional<URI> baseUrl =
        t == Type.CARBON_AWARE_SDK || t == Type.GOVERNOR
            ? map.require("base-url").flatMap(ConfigValue::asHttpUrl)
            : map.get("base-url").flatMap(ConfigValue::asHttpUrl);
    SourceConfig source =
        new SourceConfig(
            t,
            map.string("name", t.word()),
            baseUrl,
            map.string("zone"),
            map.get("timeout").flatMap(v -> v.asDuration(MIN_TIMEOUT, MAX_TIMEOUT)),
            t == Type.GOVERNOR
                ? SecretReader.readIfGiven(map, "token", t.word(), context)
                : forType(t, Type.ELECTRICITYMAPS, () -> SecretReader.read(map, "token", t.word(), context)),
            forType(t, Type.ELECTRICITYMAPS, () -> map.word("api-version", ApiVersion.V3)),
            forType(
                t, Type.ELECTRICITYMAPS, () -> map.word("emission-factor", EmissionFactor.DIRECT)),
            forType(t, Type.ELECTRICITYMAPS, () -> coordinate(map, "latitude", 90)),
            forType(t, Type.ELECTRICITYMAPS, () -> coordinate(map, "longitude", 180)),
            forType(t, Type.WATTTIME, () -> map.require("username").flatMap(ConfigValue::asString)),
            forType(t, Type.WATTTIME, () -> SecretReader.read(map, "password", t.word(), context)),
            forType(t, Type.UK, () -> map.get("region").flatMap(this::ukRegion)),
            forType(t, Type.CARBON_AWARE_SDK, () -> map.word("kind", IntensityKind.MARGINAL)),
            forType(t, Type.TRACE, () -> map.require("file").flatMap(this::traceFile)),
            forType(t, Type.TRACE, () -> map.word("timing", Timing.YEAR_ALIGNED)),
            forType(t, Type.TRACE, () -> map.word("column", Column.DIRECT)),
            forType(t, Type.GOVERNOR, () -> map.get("ca-file").flatMap(this::caFile)));
    if (t == Type.ELECTRICITYMAPS && map.has("latitude") != map.has("longitude")) {
      map.value().problem("give both latitude and longitude, or neither");
    }
    return Optional.of(source);
  }

  private static Optional<Double> coordinate(ConfigMap map, String key, double limit) {
    Optional<ConfigValue> value = map.get(key);
    Optional<Double> number = value.flatMap(ConfigValue::asNumber);
    if (number.isPresent() && Math.abs(number.get()) > limit) {
      value.get().problem("must be from -" + (int) limit + " to " + (int) limit + ", got " + number.get());
      return Optional.empty();
    }
    return number;
  }

  private Optional<String> ukRegion(ConfigValue value) {
    Optional<String> region = value.node().isNumber() ? Optional.of(value.node().asString()) : value.asString();
    if (region.isPresent() && !UK_REGION.matcher(region.get().strip()).matches()) {
      value.problem(
          "expected a region id 1 to 17 or an outward postcode like RG10, got '" + region.get() + "'");
      return Optional.empty();
    }
    return region.map(String::strip);
  }

  private Optional<Path> traceFile(ConfigValue value) {
    Optional<Path> file = value.asPath();
    if (file.isPresent() && context.checkFiles() && !Files.isReadable(file.get())) {
      value.problem(
          "trace file "
              + value.node().asString()
              + (Files.exists(file.get()) ? " is not readable" : " does not exist")
              + " (looked at "
              + file.get()
              + ")");
      return Optional.empty();
    }
    if (file.isPresent() && context.checkFiles()) {
      try {
        // Type and size only: the trace itself is read when the source starts.
        InputFiles.check(file.get(), CarbonTrace.MAX_FILE);
      } catch (UnsuitableFileException e) {
        value.problem("trace file " + file.get() + " " + e.reason());
        return Optional.empty();
      } catch (IOException e) {
        value.problem("cannot read trace file " + file.get() + " (" + e.getClass().getSimpleName() + ")");
        return Optional.empty();
      }
    }
    return file;
  }

  /** A PEM file of certificates; with file checks, every one must parse. */
  private Optional<Path> caFile(ConfigValue value) {
    Optional<Path> file = value.asPath();
    if (file.isPresent() && context.checkFiles()) {
      return PemFiles.certificates(value, file.get(), "CA file").flatMap(certificates -> file);
    }
    return file;
  }

  /** Reads keys that belong to one type; every other type gets empty. */
  private static <T> Optional<T> forType(Type type, Type owner, Supplier<Optional<T>> read) {
    return type == owner ? read.get() : Optional.empty();
  }

  private static Optional<String> onlyForOtherTypes(String key, Type type) {
    List<String> users =
        TYPE_KEYS.entrySet().stream()
            .filter(e -> e.getValue().contains(key))
            .map(e -> e.getKey().word())
            .collect(Collectors.toList());
    if (users.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "key '"
            + key
            + "' is not used by type "
            + type.word()
            + " (only by "
            + Suggestions.oneOf(users)
            + ")");
  }

  private static Set<String> allKeys() {
    Set<String> keys = new LinkedHashSet<>(COMMON_KEYS);
    TYPE_KEYS.values().forEach(keys::addAll);
    return keys;
  }
}
