package io.carbongovernor.daemon.config;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.policy.Band;
import io.carbongovernor.policy.ChaseSettings;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.Policies;
import io.carbongovernor.policy.Policy;
import io.carbongovernor.policy.PowerCap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reads a policy mapping ({@code default-policy}, {@code fail-safe}, a team's {@code policy}). */
final class PolicyConfigReader {

  /** Every kind word the config language knows, in the order messages list them. */
  static final List<String> KINDS = List.of("full-speed", "static", "bands", "chase", "forecast");

  /** The kinds this version can build, with the keys each takes; the others are "not available". */
  static final Map<String, Set<String>> KEYS =
      Map.of(
          "full-speed", Set.of("kind"),
          "static", Set.of("kind", "cap"),
          "bands", Set.of("kind", "bands"),
          "chase", Set.of("kind", "eta", "p-ref", "ci-ref", "ci-ref-window"),
          "forecast", Set.of("kind", "budget", "horizon", "budget-scope", "budget-window", "job-ceiling", "price-floor-window"));

  /** Kinds that decide without a carbon signal, so they can serve as the fail-safe. */
  private static final Set<String> SIGNAL_FREE = Set.of("full-speed", "static");

  static final PolicyConfig FULL_SPEED = new PolicyConfig("full-speed", Policies.fullSpeed());

  static final Set<String> BAND_KEYS = Set.of("below", "cap", "batch-size");

  private PolicyConfigReader() {}

  /**
   * @param failSafe whether this is the fail-safe, which must not depend on a carbon signal
   * @return the policy, or empty after reporting problems
   */
  static Optional<PolicyConfig> read(ConfigMap map, boolean failSafe) {
    Optional<ConfigValue> kindValue = map.require("kind");
    Optional<String> kind = kindValue.flatMap(ConfigValue::asString);
    if (kind.isEmpty()) {
      map.allowOnly(allKeys());
      return Optional.empty();
    }
    return read(map, kindValue.get(), kind.get(), failSafe);
  }

  private static Optional<PolicyConfig> read(
      ConfigMap map, ConfigValue kindValue, String kind, boolean failSafe) {
    if (!KINDS.contains(kind)) {
      kindValue.problem(
          "unknown policy kind '"
              + kind
              + "'; expected "
              + Suggestions.oneOf(KINDS)
              + Suggestions.didYouMean(kind, KINDS));
      map.allowOnly(allKeys());
      return Optional.empty();
    }
    if (failSafe && !SIGNAL_FREE.contains(kind)) {
      kindValue.problem(
          "the fail-safe must not depend on a carbon signal; use full-speed or static, not '"
              + kind
              + "'");
      return Optional.empty();
    }
    if (!KEYS.containsKey(kind)) {
      kindValue.problem("policy kind '" + kind + "' is not available in this version");
      return Optional.empty();
    }
    map.allowOnly(KEYS.get(kind), key -> notUsedBy(key, kind));
    int before = map.value().problems().count();
    Optional<Policy> policy;
    switch (kind) {
      case "static":
        policy = map.require("cap").flatMap(ConfigValue::asCap).map(Policies::staticCap);
        break;
      case "bands":
        policy = map.require("bands").flatMap(PolicyConfigReader::bands);
        break;
      case "chase":
        policy = chase(map);
        break;
      case "forecast":
        policy = forecast(map);
        break;
      default:
        policy = Optional.of(Policies.fullSpeed());
    }
    if (map.value().problems().count() > before) {
      return Optional.empty();
    }
    return policy.map(p -> new PolicyConfig(kind, p));
  }

  // A key with a problem reads as absent here; read() then drops the policy for its problems.
  private static Optional<Policy> chase(ConfigMap map) {
    ChaseSettings defaults = ChaseSettings.DEFAULTS;
    Optional<Double> eta =
        map.get("eta").flatMap(v -> v.asNumber().filter(e -> inRange(v, e, 0, 1, "")));
    Optional<Power> pRef =
        map.get("p-ref").flatMap(v -> v.asPower(Power.ofWatts(1), Power.ofWatts(10_000)));
    Optional<ConfigValue> ciRefValue = map.get("ci-ref");
    Optional<Reference> ciRef = ciRefValue.flatMap(PolicyConfigReader::reference);
    boolean adaptive = ciRef.map(Reference::adaptive).orElse(false);
    Optional<ConfigValue> windowValue = map.get("ci-ref-window");
    Optional<Duration> window =
        windowValue.flatMap(
            v -> v.asDuration(ChaseSettings.MIN_REFERENCE_WINDOW, ChaseSettings.MAX_REFERENCE_WINDOW));
    if (windowValue.isPresent() && !adaptive && (ciRefValue.isEmpty() || ciRef.isPresent())) {
      windowValue.get().problem("applies only with ci-ref: adaptive (a fixed reference reads no history)");
    }
    ChaseSettings settings =
        new ChaseSettings(
            eta.orElse(defaults.eta()),
            pRef.or(defaults::referencePower),
            ciRef.flatMap(Reference::fixed).orElse(defaults.referenceIntensity()));
    if (adaptive) {
      settings = settings.withAdaptiveReference(window.orElse(ChaseSettings.DEFAULT_REFERENCE_WINDOW));
    }
    return Optional.of(Policies.chase(settings));
  }

  /** {@code ci-ref}: a fixed intensity, or the word {@code adaptive}. */
  private record Reference(Optional<CarbonIntensity> fixed) {
    boolean adaptive() {
      return fixed.isEmpty();
    }
  }

  private static final String ADAPTIVE = "adaptive";

  private static Optional<Reference> reference(ConfigValue v) {
    if (v.node().isString()) {
      String word = v.node().asString().strip();
      if (word.equals(ADAPTIVE)) {
        return Optional.of(new Reference(Optional.empty()));
      }
      v.problem(
          "expected a number from 1 to 3000 gCO2eq/kWh or "
              + ADAPTIVE
              + ", got "
              + v.describe()
              + Suggestions.didYouMean(word, List.of(ADAPTIVE)));
      return Optional.empty();
    }
    return v.asNumber()
        .filter(g -> inRange(v, g, 1, 3000, " gCO2eq/kWh"))
        .map(g -> new Reference(Optional.of(CarbonIntensity.gramsPerKwh(g))));
  }

  private static boolean inRange(ConfigValue v, double value, double min, double max, String unit) {
    boolean ok = value >= min && value <= max;
    if (!ok) {
      v.problem("must be from " + number(min) + " to " + number(max) + unit + ", got " + number(value));
    }
    return ok;
  }

  private static Optional<Policy> forecast(ConfigMap map) {
    Optional<Double> budget = map.get("budget").flatMap(v -> v.parsed(PolicyConfigReader::percent));
    Optional<Duration> horizon =
        map.get("horizon").flatMap(v -> v.asDuration(Duration.ofHours(1), Duration.ofDays(14)));
    Scope scope = map.word("budget-scope", Scope.class, Scope.valueOf(ForecastSettings.DEFAULT_SCOPE.name()));
    Optional<ConfigValue> windowValue = map.get("budget-window");
    Optional<Duration> window =
        windowValue.flatMap(v -> v.asDuration(Duration.ofDays(1), ForecastSettings.MAX_WINDOW));
    if (windowValue.isPresent() && scope == Scope.JOB) {
      windowValue.get().problem("applies only with budget-scope: team (a per-job budget holds for each job)");
    }
    Optional<ConfigValue> floorValue = map.get("price-floor-window");
    Optional<Duration> floor =
        floorValue.flatMap(v -> v.asDuration(Duration.ofDays(1), ForecastSettings.MAX_WINDOW));
    if (floorValue.isPresent() && scope == Scope.JOB) {
      floorValue.get().problem("applies only with budget-scope: team (a per-job budget prices no time)");
    }
    Optional<ConfigValue> ceilingValue = map.get("job-ceiling");
    Optional<Double> ceiling = ceilingValue.flatMap(v -> v.parsed(PolicyConfigReader::percent));
    double budgetValue = budget.orElse(DEFAULT_BUDGET);
    if (ceilingValue.isPresent() && scope == Scope.JOB) {
      ceilingValue.get().problem("applies only with budget-scope: team (a per-job budget is each job's bound)");
    } else if (ceiling.isPresent() && ceiling.get() < budgetValue) {
      ceilingValue.get().problem("must be at least the budget (" + number(budgetValue * 100) + "%), got "
          + number(ceiling.get() * 100) + "%");
    }
    if (ceiling.isPresent() && (ceiling.get() < budgetValue || scope == Scope.JOB)) {
      return Optional.empty();
    }
    return Optional.of(
        Policies.forecast(
            new ForecastSettings(
                budgetValue,
                horizon.orElse(ForecastSettings.DEFAULT_HORIZON),
                ForecastSettings.BudgetScope.valueOf(scope.name()),
                window.orElse(ForecastSettings.DEFAULT_WINDOW),
                ceiling.orElse(ForecastSettings.defaultCeiling(budgetValue)),
                floor.orElse(ForecastSettings.DEFAULT_FLOOR_WINDOW))));
  }

  /** {@code budget-scope}: whom forecast's budget binds. */
  private enum Scope implements ConfigWord {
    JOB,
    TEAM
  }

  /** The default slowdown budget of {@code forecast}: 5 %. */
  static final double DEFAULT_BUDGET = 0.05;

  private static final Pattern PERCENT = Pattern.compile("(\\d{1,3}(?:\\.\\d+)?)\\s*%");

  /** {@code 5%}, {@code 2.5 %} as a fraction within [0, 1]. */
  private static double percent(String text) {
    String s = text.strip();
    Matcher m = PERCENT.matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a percentage like 5% or 2.5%, got '" + s + "'");
    }
    double value = Double.parseDouble(m.group(1));
    if (value > 100) {
      throw new IllegalArgumentException("must be from 0% to 100%, got " + s);
    }
    return value / 100;
  }

  private static Optional<Policy> bands(ConfigValue value) {
    Optional<List<ConfigValue>> entries = value.asList("[{below: 200, cap: 80%}, {cap: 60%}]");
    if (entries.isEmpty()) {
      return Optional.empty();
    }
    if (entries.get().isEmpty()) {
      value.problem("list at least one band");
      return Optional.empty();
    }
    int before = value.problems().count();
    List<Band> bands = new ArrayList<>();
    Optional<Double> previousBelow = Optional.empty();
    int last = entries.get().size() - 1;
    for (int i = 0; i <= last; i++) {
      ConfigValue entry = entries.get().get(i);
      Optional<ConfigMap> band = entry.asMap();
      if (band.isEmpty()) {
        continue;
      }
      band.get().allowOnly(BAND_KEYS);
      Optional<Double> below = band.get().get("below").flatMap(PolicyConfigReader::intensity);
      Optional<PowerCap> cap = band.get().require("cap").flatMap(ConfigValue::asCap);
      OptionalInt batchSize =
          band.get()
              .get("batch-size")
              .flatMap(v -> v.asInt(1, Integer.MAX_VALUE))
              .map(OptionalInt::of)
              .orElse(OptionalInt.empty());
      if (i < last && !band.get().has("below")) {
        entry.problem("only the last band may leave out 'below'");
      }
      if (i == last && band.get().has("below")) {
        entry.problem(
            "the last band must leave out 'below': it covers everything above the band before it");
      }
      if (below.isPresent() && previousBelow.isPresent() && below.get() <= previousBelow.get()) {
        entry.problem(
            "'below' must increase from band to band: "
                + number(below.get())
                + " is not above "
                + number(previousBelow.get()));
      }
      if (below.isPresent()) {
        previousBelow = below;
      }
      if (cap.isPresent()) {
        bands.add(new Band(below.map(CarbonIntensity::gramsPerKwh), cap.get(), batchSize));
      }
    }
    if (value.problems().count() > before) {
      return Optional.empty();
    }
    try {
      return Optional.of(Policies.bands(bands));
    } catch (IllegalArgumentException e) {
      value.problem(e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Double> intensity(ConfigValue value) {
    return value
        .asNumber()
        .filter(
            g -> {
              boolean plausible = CarbonIntensity.isPlausible(g);
              if (!plausible) {
                value.problem("must be from 0 to 3000 gCO2eq/kWh, got " + number(g));
              }
              return plausible;
            });
  }

  private static Optional<String> notUsedBy(String key, String kind) {
    List<String> users =
        KEYS.entrySet().stream()
            .filter(e -> e.getValue().contains(key))
            .map(Map.Entry::getKey)
            .sorted()
            .collect(Collectors.toList());
    if (users.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "key '"
            + key
            + "' is not used by policy kind "
            + kind
            + " (only by "
            + Suggestions.oneOf(users)
            + ")");
  }

  private static Set<String> allKeys() {
    Set<String> keys = new LinkedHashSet<>();
    KEYS.values().forEach(keys::addAll);
    return keys;
  }

  private static String number(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
