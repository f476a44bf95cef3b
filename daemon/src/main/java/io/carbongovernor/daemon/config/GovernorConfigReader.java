package io.carbongovernor.daemon.config;

import io.carbongovernor.daemon.config.GovernorConfig.Mode;
import io.carbongovernor.daemon.config.GpuConfig.Backend;
import io.carbongovernor.daemon.config.GpuConfig.Model;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import io.carbongovernor.gpu.GpuLocks;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.SimulatedAccount;
import io.carbongovernor.gpu.SimulatedWork;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code governor.yaml} (without teams). Invalid values are reported and replaced by defaults
 * so that reading goes on; the loader never returns a config that had problems.
 */
final class GovernorConfigReader {

  // The keys of each mapping, package-private for the reference test (governor.yaml(5) lists each).
  static final Set<String> TOP_KEYS =
      Set.of(
          "zone",
          "interval",
          "sample-every",
          "mode",
          "state-dir",
          "gpu",
          "carbon",
          "teams-dir",
          "default-policy",
          "fail-safe",
          "api",
          "site-api",
          "history",
          "fleet",
          "queue");
  static final Set<String> GPU_KEYS = Set.of("backend", "nvml-library", "amdsmi-library", "min-change", "simulated", "lock-dir");
  static final Set<String> SIMULATED_KEYS =
      Set.of("count", "model", "workload", "batch-size", "work", "real-processes");
  static final Set<String> CARBON_KEYS = Set.of("max-age", "fetch-budget", "sources");
  static final Set<String> API_KEYS = Set.of("listen", "socket");
  static final Set<String> HISTORY_KEYS =
      Set.of("url", "retention", "user", "password-file", "password-env", "password-credential", "node-id",
          "spool-max-samples");
  static final Set<String> WORK_KEYS = Set.of("gpu", "user", "groups");
  static final Set<String> QUEUE_KEYS =
      Set.of("enabled", "launcher", "margin", "max-deferral", "max-jobs-per-user", "check-every", "submitters");
  static final Set<String> SUBMITTER_KEYS = Set.of("users", "groups");

  static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/carbon-governor");
  static final Path DEFAULT_TEAMS_DIR = Path.of("/etc/carbon-governor/teams.d");
  static final ApiConfig DEFAULT_API = new ApiConfig("127.0.0.1", 9464);

  private static final Pattern WORKLOAD = Pattern.compile("[^/\\s]+/[^/\\s]+");
  private static final Pattern IPV4 =
      Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final String JDBC_SQLITE = "jdbc:sqlite:";
  /** The most simulated processes {@code gpu.simulated.work} may list; a demo needs a handful. */
  static final int MAX_SIMULATED_WORK = 256;

  private final LoadContext context;

  GovernorConfigReader(LoadContext context) {
    this.context = context;
  }

  GovernorConfig read(ConfigMap root, Path sourceFile) {
    root.allowOnly(TOP_KEYS);

    String zone = root.require("zone").flatMap(ConfigValue::asString).orElse("");
    Duration interval =
        root.duration(
            "interval", Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofHours(24));
    Duration sampleEvery =
        root.duration(
            "sample-every", Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofHours(1));
    if (sampleEvery.compareTo(interval) > 0) {
      String message = "must not be longer than interval (" + Durations.format(interval) + ")";
      root.get("sample-every")
          .ifPresent(v -> v.problem(message + ", got " + Durations.format(sampleEvery)));
    }
    Path stateDir = root.path("state-dir", DEFAULT_STATE_DIR);
    HistoryConfig history = history(root.map("history"), stateDir);
    return new GovernorConfig(
        zone,
        interval,
        sampleEvery,
        root.word("mode", Mode.class, Mode.ENFORCE),
        stateDir,
        root.map("gpu").map(GovernorConfigReader::gpu).orElseGet(GovernorConfigReader::defaultGpu),
        carbon(root),
        teamsDir(root),
        root.map("default-policy")
            .flatMap(m -> PolicyConfigReader.read(m, false))
            .orElse(PolicyConfigReader.FULL_SPEED),
        root.get("fail-safe")
            .flatMap(GovernorConfigReader::failSafe)
            .orElse(PolicyConfigReader.FULL_SPEED),
        root.map("api").flatMap(GovernorConfigReader::api).orElse(DEFAULT_API),
        root.map("site-api").flatMap(new SiteApiConfigReader(context)::read),
        history,
        FleetConfigReader.read(root.get("fleet"), PostgresConnections.serves(history.url())),
        List.of(),
        root.map("queue").map(GovernorConfigReader::queue).orElse(QueueConfig.DEFAULTS),
        sourceFile);
  }

  private static QueueConfig queue(ConfigMap queue) {
    queue.allowOnly(QUEUE_KEYS);
    QueueConfig d = QueueConfig.DEFAULTS;
    return new QueueConfig(
        queue.get("enabled").flatMap(ConfigValue::asBoolean).orElse(d.enabled()),
        queue.word("launcher", QueueConfig.Launcher.class, d.launcher()),
        queue.duration("margin", d.margin(), Duration.ZERO, Duration.ofDays(1)),
        queue.duration("max-deferral", d.maxDeferral(), Duration.ofMinutes(1), QueueConfig.LONGEST_DEFERRAL),
        queue.integer("max-jobs-per-user", d.maxJobsPerUser(), 1, QueueConfig.MOST_JOBS_PER_USER),
        queue.duration("check-every", d.checkEvery(), Duration.ofSeconds(5), Duration.ofHours(1)),
        queue.get("submitters").flatMap(ConfigValue::asMap).map(GovernorConfigReader::submitters));
  }

  /** Users and groups by name, each valid and listed once; at least one in all. */
  static QueueConfig.Members submitters(ConfigMap members) {
    members.allowOnly(SUBMITTER_KEYS);
    List<String> users = unixNames(members, "users", "user", "[alice, bob]");
    List<String> groups = unixNames(members, "groups", "group", "[vision]");
    boolean listed = members.get("users").map(v -> !v.node().isEmpty()).orElse(false)
        || members.get("groups").map(v -> !v.node().isEmpty()).orElse(false);
    if (!listed) {
      members.value().problem("list at least one user or group (leave submitters out to let every user submit)");
    }
    return new QueueConfig.Members(users, groups);
  }

  private static List<String> unixNames(ConfigMap members, String key, String what, String example) {
    List<String> names = new ArrayList<>();
    for (ConfigValue entry : members.get(key).flatMap(v -> v.asList(example)).orElse(List.of())) {
      unixName(entry, what).ifPresent(name -> {
        if (names.contains(name)) {
          entry.problem(what + " '" + name + "' is listed twice");
        } else {
          names.add(name);
        }
      });
    }
    return names;
  }

  private static GpuConfig defaultGpu() {
    return new GpuConfig(Backend.NVML, GpuConfig.DEFAULT_NVML_LIBRARY, GpuConfig.DEFAULT_AMDSMI_LIBRARY, Power.ofWatts(5),
        defaultSimulated(), GpuLocks.DEFAULT_DIR);
  }

  private static GpuConfig gpu(ConfigMap gpu) {
    gpu.allowOnly(GPU_KEYS);
    return new GpuConfig(
        gpu.word("backend", Backend.class, Backend.NVML),
        gpu.string("nvml-library", GpuConfig.DEFAULT_NVML_LIBRARY),
        gpu.string("amdsmi-library", GpuConfig.DEFAULT_AMDSMI_LIBRARY),
        gpu.get("min-change")
            .flatMap(v -> v.asPower(Power.ZERO, Power.ofWatts(50)))
            .orElse(Power.ofWatts(5)),
        gpu.map("simulated")
            .map(GovernorConfigReader::simulated)
            .orElseGet(GovernorConfigReader::defaultSimulated),
        gpu.path("lock-dir", GpuLocks.DEFAULT_DIR));
  }

  private static GpuConfig.Simulated simulated(ConfigMap sim) {
    sim.allowOnly(SIMULATED_KEYS);
    Optional<String> workload = sim.string("workload");
    workload
        .filter(w -> !WORKLOAD.matcher(w).matches())
        .ifPresent(
            w ->
                sim.get("workload")
                    .orElseThrow()
                    .problem("expected dataset/network like imagenet/resnet50, got '" + w + "'"));
    int count = sim.integer("count", 4, 1, 64);
    return new GpuConfig.Simulated(
        count,
        sim.word("model", Model.class, Model.A40),
        workload.orElse("imagenet/resnet50"),
        sim.integer("batch-size", 256, 1, Integer.MAX_VALUE),
        sim.get("work").map(w -> work(w, count)).orElseGet(() -> SimulatedWork.everyGpu(count)),
        sim.get("real-processes").flatMap(ConfigValue::asBoolean).orElse(false));
  }

  /** {@code gpu.simulated.work}: the simulated processes, each on a GPU, with its account if any. */
  private static List<SimulatedWork> work(ConfigValue value, int count) {
    List<ConfigValue> entries = value.asList("[{gpu: 0, user: ana, groups: [vision]}]").orElse(List.of());
    if (entries.size() > MAX_SIMULATED_WORK) {
      value.problem("at most " + MAX_SIMULATED_WORK + " simulated processes, got " + entries.size());
      return List.of();
    }
    List<SimulatedWork> work = new ArrayList<>();
    for (ConfigValue entry : entries) {
      Optional<ConfigMap> map = entry.asMap();
      if (map.isEmpty()) {
        continue;
      }
      ConfigMap m = map.get();
      m.allowOnly(WORK_KEYS);
      Optional<Integer> gpu = m.require("gpu").flatMap(v -> v.asInt(0, count - 1));
      Optional<String> user = m.get("user").flatMap(v -> unixName(v, "user"));
      List<String> groups = new ArrayList<>();
      m.get("groups").flatMap(v -> v.asList("[vision]")).orElse(List.of()).forEach(g ->
          unixName(g, "group").ifPresent(name -> {
            if (groups.contains(name)) {
              g.problem("group '" + name + "' is listed twice");
            } else {
              groups.add(name);
            }
          }));
      if (m.has("groups") && !m.has("user")) {
        m.value().problem("groups need a user: give the account's user too");
      }
      gpu.ifPresent(g -> work.add(new SimulatedWork(g, user.map(u -> new SimulatedAccount(u, groups)))));
    }
    return work;
  }

  private static Optional<String> unixName(ConfigValue value, String what) {
    return value.asString().filter(name -> {
      boolean valid = name.length() <= TeamConfigReader.MAX_UNIX_NAME && TeamConfigReader.UNIX_NAME.matcher(name).matches();
      if (!valid) {
        value.problem("'" + name + "' is not a valid " + what + " name (lowercase letters, digits, _ and -, at most "
            + TeamConfigReader.MAX_UNIX_NAME + " characters)");
      }
      return valid;
    });
  }

  private static GpuConfig.Simulated defaultSimulated() {
    return new GpuConfig.Simulated(4, Model.A40, "imagenet/resnet50", 256);
  }

  private CarbonConfig carbon(ConfigMap root) {
    Optional<ConfigMap> carbon = root.require("carbon").flatMap(ConfigValue::asMap);
    if (carbon.isEmpty()) {
      return new CarbonConfig(Duration.ofHours(2), Duration.ofSeconds(2), List.of());
    }
    ConfigMap c = carbon.get();
    c.allowOnly(CARBON_KEYS);
    return new CarbonConfig(
        c.duration("max-age", Duration.ofHours(2), Duration.ofMinutes(1), Duration.ofDays(7)),
        c.duration(
            "fetch-budget", Duration.ofSeconds(2), Duration.ofMillis(100), Duration.ofSeconds(30)),
        c.require("sources").map(new SourceConfigReader(context)::readAll).orElse(List.of()));
  }

  /** A teams-dir that is given must exist; the default one may be absent (no teams). */
  private Path teamsDir(ConfigMap root) {
    Optional<ConfigValue> given = root.get("teams-dir");
    Optional<Path> dir = given.flatMap(ConfigValue::asPath);
    if (dir.isPresent() && context.checkFiles() && !Files.isDirectory(dir.get())) {
      given
          .get()
          .problem(
              "teams directory "
                  + dir.get()
                  + (Files.exists(dir.get()) ? " is not a directory" : " does not exist"));
    }
    return dir.orElse(DEFAULT_TEAMS_DIR);
  }

  private static Optional<PolicyConfig> failSafe(ConfigValue value) {
    if (value.node().isObject()) {
      return value.asMap().flatMap(m -> PolicyConfigReader.read(m, true));
    }
    if (value.isScalar() && value.node().asString().equals("full-speed")) {
      return Optional.of(PolicyConfigReader.FULL_SPEED);
    }
    value.problem(
        "expected full-speed or a policy like {kind: static, cap: 60%}, got " + value.describe());
    return Optional.empty();
  }

  private static Optional<ApiConfig> api(ConfigMap api) {
    api.allowOnly(API_KEYS);
    ApiConfig listen =
        api.get("listen").flatMap(v -> v.parsed(GovernorConfigReader::listen)).orElse(DEFAULT_API);
    Path socket =
        api.get("socket").flatMap(GovernorConfigReader::socket).orElse(ApiConfig.DEFAULT_SOCKET);
    return Optional.of(new ApiConfig(listen.host(), listen.port(), socket));
  }

  /** A path like others (relative to the config file) that must fit a Unix socket address. */
  private static Optional<Path> socket(ConfigValue value) {
    return value.asPath().flatMap(path -> value.parsed(text -> ApiConfig.checkSocketPath(path)));
  }

  /**
   * {@code host:port} with a loopback host: callers are identified via the kernel's loopback socket
   * tables.
   */
  static ApiConfig listen(String text) {
    HostPort address = HostPort.parse(text, "127.0.0.1:9464");
    String host = address.host();
    if (!isLoopback(host)) {
      throw new IllegalArgumentException(
          "host '"
              + host
              + "' is not a loopback address; use 127.0.0.1, [::1] or localhost,"
              + " because callers are identified through the kernel's loopback socket tables");
    }
    return new ApiConfig(host, address.port());
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost") || host.equals("::1")) {
      return true;
    }
    var m = IPV4.matcher(host);
    if (!m.matches() || !m.group(1).equals("127")) {
      return false;
    }
    for (int i = 2; i <= 4; i++) {
      if (Integer.parseInt(m.group(i)) > 255) {
        return false;
      }
    }
    return true;
  }

  private HistoryConfig history(Optional<ConfigMap> section, Path stateDir) {
    String fallback = JDBC_SQLITE + stateDir.resolve("history.db");
    if (section.isEmpty()) {
      return new HistoryConfig(fallback, Retention.DEFAULT);
    }
    ConfigMap history = section.get();
    history.allowOnly(HISTORY_KEYS);
    String url =
        history
            .get("url")
            .flatMap(v -> v.parsed(u -> jdbcUrl(u, v.document().directory())))
            .orElse(fallback);
    Retention retention =
        history.map("retention").map(RetentionReader::read).orElse(Retention.DEFAULT);
    boolean postgres = PostgresConnections.serves(url);
    if (postgres && url.matches("(?i).*[?&]password=.*")) {
      history.get("url").ifPresent(v -> v.problem(
          "a password in the url would show in logs and process lists; give it with "
              + Suggestions.oneOf(SecretReader.keys("password"))));
    }
    Optional<String> user = history.string("user");
    boolean passwordGiven = SecretReader.keys("password").stream().anyMatch(history::has);
    Optional<Secret> password =
        passwordGiven ? SecretReader.read(history, "password", LoadContext.HISTORY, context) : Optional.empty();
    for (String key : List.of("user", "password-file", "password-env", "password-credential", "node-id",
        "spool-max-samples")) {
      if (!postgres) {
        history.get(key).ifPresent(v -> v.problemAt(v.keyLocation(),
            "only a jdbc:postgresql: history takes " + key + "; a SQLite history is the node's own"));
      }
    }
    Optional<String> nodeId = history.get("node-id").flatMap(v -> v.asString().flatMap(id -> {
      if (!HistoryConfig.NODE_ID.matcher(id).matches()) {
        v.problem("a node id is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit, got '"
            + id + "'");
        return Optional.empty();
      }
      return Optional.of(id);
    }));
    int spool = history.integer("spool-max-samples", HistoryConfig.DEFAULT_SPOOL_MAX_SAMPLES, 1_000, 1_000_000_000);
    return new HistoryConfig(url, retention, new DatabaseLogin(user, password), nodeId, spool);
  }

  /**
   * A relative SQLite file resolves against the config's directory; other JDBC urls stay as
   * written.
   */
  private static String jdbcUrl(String url, Path directory) {
    if (!url.startsWith("jdbc:")) {
      throw new IllegalArgumentException(
          "expected a JDBC url like jdbc:sqlite:/var/lib/carbon-governor/history.db, got '"
              + url
              + "'");
    }
    if (!url.startsWith(JDBC_SQLITE)) {
      return url;
    }
    String rest = url.substring(JDBC_SQLITE.length());
    int query = rest.indexOf('?');
    String file = query < 0 ? rest : rest.substring(0, query);
    String parameters = query < 0 ? "" : rest.substring(query);
    if (file.isEmpty() || file.startsWith(":") || file.startsWith("file:")) {
      return url; // in-memory databases and file: URIs are used as written
    }
    try {
      return JDBC_SQLITE + directory.resolve(file).normalize() + parameters;
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "expected a file path after jdbc:sqlite:, got '" + file + "'");
    }
  }
}
