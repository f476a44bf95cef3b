package io.carbongovernor.daemon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads team files one after another and remembers who is in which team, because a user or group in
 * two teams would make a job's team ambiguous.
 */
final class TeamConfigReader {

  static final Pattern TEAM_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  static final Pattern UNIX_NAME = Pattern.compile("[a-z_][a-z0-9_-]*\\$?");
  static final int MAX_UNIX_NAME = 32;
  static final Set<String> KEYS =
      Set.of("members", "policy", "batch-sizes", "monthly-carbon-budget-kg", "time-weight-g-per-hour",
          "default-deferral", "max-deferral", "submitters");
  static final Set<String> MEMBER_KEYS = Set.of("users", "groups");

  /** The team that first listed a user or group. */
  private record Claim(String team, Path shownFile) {}

  /**
   * The node's {@code queue.max-deferral}, which no team may exceed.
   *
   * @param where where it was set, for messages: {@code governor.yaml:12:17}, or the file and
   *     "(the default)"
   */
  record NodeDeferral(Duration max, String where) {}

  private final Map<String, Claim> users = new HashMap<>();
  private final Map<String, Claim> groups = new HashMap<>();
  private final NodeDeferral node;

  TeamConfigReader(NodeDeferral node) {
    this.node = node;
  }

  /**
   * @param file the absolute file, for the record
   * @param shownFile the file as problems show it, for clash messages in other teams
   */
  Optional<TeamConfig> read(String team, Path file, Path shownFile, ConfigMap root) {
    root.allowOnly(KEYS);
    Claim claim = new Claim(team, shownFile);
    List<String> userNames = List.of();
    List<String> groupNames = List.of();
    Optional<ConfigMap> members = root.require("members").flatMap(ConfigValue::asMap);
    if (members.isPresent()) {
      ConfigMap m = members.get();
      m.allowOnly(MEMBER_KEYS);
      userNames = names(m, "user", claim, users);
      groupNames = names(m, "group", claim, groups);
      if (listed(m, "users") + listed(m, "groups") == 0) {
        m.value().problem("list at least one user or group");
      }
    }
    Optional<PolicyConfig> policy =
        root.require("policy")
            .flatMap(ConfigValue::asMap)
            .flatMap(p -> PolicyConfigReader.read(p, false));
    List<Integer> batchSizes =
        root.get("batch-sizes").map(TeamConfigReader::batchSizes).orElse(List.of());
    OptionalDouble budget =
        root.get("monthly-carbon-budget-kg")
            .flatMap(TeamConfigReader::budget)
            .map(OptionalDouble::of)
            .orElse(OptionalDouble.empty());
    double timeWeight =
        root.get("time-weight-g-per-hour").flatMap(TeamConfigReader::timeWeight).orElse(0.0);
    List<String> u = userNames;
    List<String> g = groupNames;
    TeamQueueRules queue = queueRules(root, u, g, shownFile);
    return policy.map(p -> new TeamConfig(team, file, u, g, p, batchSizes, budget, timeWeight, queue));
  }

  /**
   * {@code default-deferral}, {@code max-deferral} and {@code submitters}: a team may narrow the
   * node's rules, never widen them.
   */
  private TeamQueueRules queueRules(ConfigMap root, List<String> members, List<String> memberGroups, Path shownFile) {
    Optional<Duration> max = root.get("max-deferral").flatMap(v -> v.asDuration(Duration.ofMinutes(1),
        QueueConfig.LONGEST_DEFERRAL).filter(d -> {
          if (d.compareTo(node.max()) > 0) {
            v.problem("must not be above the node's queue.max-deferral, " + Durations.format(node.max()) + " ("
                + node.where() + "), got " + Durations.format(d) + " (" + shownFile + ")");
            return false;
          }
          return true;
        }));
    Duration ceiling = max.orElse(node.max());
    Optional<Duration> byDefault = root.get("default-deferral").flatMap(v -> v.asDuration(Duration.ofMinutes(1),
        QueueConfig.LONGEST_DEFERRAL).filter(d -> {
          if (d.compareTo(ceiling) > 0) {
            v.problem("must not be above " + (max.isPresent() ? "the team's max-deferral, " + Durations.format(ceiling)
                : "the node's queue.max-deferral, " + Durations.format(ceiling) + " (" + node.where() + ")")
                + ", got " + Durations.format(d));
            return false;
          }
          return true;
        }));
    Optional<QueueConfig.Members> submitters = root.get("submitters").flatMap(ConfigValue::asMap).map(m -> {
      QueueConfig.Members listed = GovernorConfigReader.submitters(m);
      // A user is known to be a member only by name here; one who belongs through a group is
      // checked when submitting, against the system's groups.
      if (memberGroups.isEmpty()) {
        m.get("users").flatMap(v -> v.node().isArray() ? Optional.of(v) : Optional.empty()).ifPresent(v -> {
          for (int i = 0; i < v.node().size(); i++) {
            ConfigValue entry = v.element(i);
            String name = entry.node().isString() ? entry.node().stringValue() : "";
            if (listed.users().contains(name) && !members.contains(name)) {
              entry.problem("user '" + name + "' may submit but is not a member of the team; add it to members.users");
            }
          }
        });
      }
      return listed;
    });
    return new TeamQueueRules(byDefault, max, submitters);
  }

  /**
   * The entries in {@code members.<key>} as written; a non-list counts as one (reported already).
   */
  private static int listed(ConfigMap members, String key) {
    return members.get(key).map(v -> v.node().isArray() ? v.node().size() : 1).orElse(0);
  }

  private static List<String> names(
      ConfigMap members, String what, Claim claim, Map<String, Claim> claims) {
    List<String> names = new ArrayList<>();
    Optional<List<ConfigValue>> entries =
        members
            .get(what + "s")
            .flatMap(v -> v.asList(what.equals("user") ? "[alice, bob]" : "[vision]"));
    Set<String> seen = new HashSet<>();
    for (ConfigValue entry : entries.orElse(List.of())) {
      Optional<String> name = entry.asString();
      if (name.isEmpty()) {
        continue;
      }
      String n = name.get();
      if (n.length() > MAX_UNIX_NAME || !UNIX_NAME.matcher(n).matches()) {
        entry.problem(
            "'"
                + n
                + "' is not a valid "
                + what
                + " name (lowercase letters, digits, _ and -,"
                + " at most "
                + MAX_UNIX_NAME
                + " characters)");
      } else if (!seen.add(n)) {
        entry.problem(what + " '" + n + "' is listed twice");
      } else {
        Claim first = claims.putIfAbsent(n, claim);
        if (first != null) {
          entry.problem(
              what
                  + " '"
                  + n
                  + "' is already in team "
                  + first.team()
                  + " ("
                  + first.shownFile()
                  + ")");
        }
        names.add(n);
      }
    }
    return names;
  }

  private static List<Integer> batchSizes(ConfigValue value) {
    List<Integer> sizes = new ArrayList<>();
    for (ConfigValue entry : value.asList("[128, 256, 512]").orElse(List.of())) {
      Optional<Integer> size = entry.asInt(1, Integer.MAX_VALUE);
      if (size.isEmpty()) {
        continue;
      }
      int previous = sizes.isEmpty() ? 0 : sizes.get(sizes.size() - 1);
      if (size.get() == previous) {
        entry.problem("batch size " + size.get() + " is listed twice");
      } else if (size.get() < previous) {
        entry.problem("batch sizes must increase: " + size.get() + " comes after " + previous);
      } else {
        sizes.add(size.get());
      }
    }
    return sizes;
  }

  private static Optional<Double> budget(ConfigValue value) {
    return value
        .asNumber()
        .filter(
            kg -> {
              if (kg <= 0) {
                value.problem("must be above 0, got " + value.node().asString());
              }
              return kg > 0;
            });
  }

  private static Optional<Double> timeWeight(ConfigValue value) {
    return value
        .asNumber()
        .filter(
            g -> {
              if (g < 0) {
                value.problem("must be 0 or more grams per hour, got " + value.node().asString());
              }
              return g >= 0;
            });
  }
}
