package io.carbongovernor.daemon.queue;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.QueueConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.config.TeamQueueRules;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.daemon.testing.MutableClock;
import io.carbongovernor.daemon.testing.TestDaemonConfig;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node for queue tests: accounts in passwd/group files, two teams, a configuration the test
 * can change, the real /proc, a real job registry, processes started by {@link ProcessLauncher},
 * and the queue's database in the test's folder.
 *
 * <p>Accounts: {@code runner} is the uid the tests run as (the jobs that start run as it), in
 * team vision; alice (1001, vision), bob (1002, nlp), mallory (1003, no team).
 */
final class QueueWorld implements AutoCloseable {

  static final Instant MIDNIGHT = Instant.parse("2026-12-07T00:00:00Z");
  static final long ALICE = 1001;
  static final long BOB = 1002;
  static final long MALLORY = 1003;
  private static final PowerConstraints A40 = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300));
  static final List<Gpu> GPUS = List.of(
      new Gpu(0, "GPU-00000000-0000-4000-8000-000000000000", "A40", A40, Power.ofWatts(300)),
      new Gpu(1, "GPU-11111111-1111-4000-8000-111111111111", "A40", A40, Power.ofWatts(300)));

  final Path dir;
  final long runner;
  final MutableClock clock = new MutableClock(MIDNIGHT);
  final AccountNames accounts;
  final AtomicReference<GovernorConfig> config = new AtomicReference<>();
  final JobRegistry registry;
  final ProcessLauncher launcher;
  final Path database;
  final Path work;
  JobQueue queue;

  QueueWorld(Path dir) throws Exception {
    this.dir = dir;
    this.runner = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
    long gid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue();
    Path etc = Files.createDirectories(dir.resolve("etc"));
    Files.writeString(etc.resolve("passwd"),
        "runner:x:" + runner + ":" + gid + "::/home/runner:/bin/bash\n"
            + "alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n"
            + "mallory:x:1003:1003::/home/mallory:/bin/sh\n");
    Files.writeString(etc.resolve("group"),
        "runners:x:" + gid + ":\nalice:x:1001:\nbob:x:1002:\nmallory:x:1003:\nvision:x:2000:alice,runner\n"
            + "nlp:x:2001:bob\n");
    accounts = AccountNames.files(etc.resolve("passwd"), etc.resolve("group"));
    GovernorConfig loaded = ConfigLoader.load(
        TestDaemonConfig.write(Files.createDirectories(dir.resolve("conf")), "interval: 60s",
            "default-policy: {kind: full-speed}"),
        FileChecks.SKIP, Map.of());
    config.set(with(loaded, QueueConfig.DEFAULTS, List.of(team("vision", TeamQueueRules.NONE), team("nlp",
        TeamQueueRules.NONE))));
    registry = new JobRegistry(ProcFs.system(), ProcessTree.system(), ProcessOwners.of(Path.of("/proc"), accounts),
        () -> TeamDirectory.of(config.get().teams()));
    launcher = new ProcessLauncher(dir.resolve("markers"));
    database = dir.resolve("state/history.db");
    work = Files.createDirectories(dir.resolve("work"));
  }

  TeamConfig team(String name, TeamQueueRules rules) {
    List<String> users = name.equals("nlp") ? List.of("bob") : List.of();
    List<String> groups = name.equals("vision") ? List.of("vision") : List.of();
    return new TeamConfig(name, dir.resolve(name + ".yaml"), users, groups,
        new PolicyConfig("full-speed", Policies.fullSpeed()), List.of(), OptionalDouble.empty(), 0, rules);
  }

  JobQueue open() {
    queue = JobQueue.open(config::get, database, launcher, registry, accounts, clock);
    return queue;
  }

  void reopen() {
    queue.close();
    open();
  }

  void queueConfig(QueueConfig q) {
    config.set(with(config.get(), q, config.get().teams()));
  }

  void teams(TeamConfig... teams) {
    config.set(with(config.get(), config.get().queue(), List.of(teams)));
  }

  void policy(PolicyConfig policy) {
    GovernorConfig c = config.get();
    config.set(new GovernorConfig(c.zone(), c.interval(), c.sampleEvery(), c.mode(), c.stateDir(), c.gpu(), c.carbon(),
        c.teamsDir(), policy, c.failSafe(), c.api(), c.siteApi(), c.history(), c.fleet(), c.teams(), c.queue(),
        c.sourceFile()));
  }

  static GovernorConfig with(GovernorConfig c, QueueConfig queue, List<TeamConfig> teams) {
    return new GovernorConfig(c.zone(), c.interval(), c.sampleEvery(), c.mode(), c.stateDir(), c.gpu(), c.carbon(),
        c.teamsDir(), c.defaultPolicy(), c.failSafe(), c.api(), c.siteApi(), c.history(), c.fleet(), teams, queue,
        c.sourceFile());
  }

  static QueueConfig queueRules(Duration margin, Duration maxDeferral, int maxJobs, Duration checkEvery,
      Optional<QueueConfig.Members> submitters) {
    return new QueueConfig(true, QueueConfig.Launcher.AUTO, margin, maxDeferral, maxJobs, checkEvery, submitters);
  }

  /** A job of {@code command} run in the test's work folder. */
  SubmitRequest request(String name, Optional<Duration> expected, Optional<Instant> deadline, String... command) {
    return new SubmitRequest(name, Optional.empty(), deadline, expected, new GpuRequest.None(), work, Optional.empty(),
        List.of(command), Map.of("PATH", "/usr/bin:/bin"));
  }

  /** Hourly slots of a day from midnight, the given intensity each hour. */
  static List<CarbonSignal> hourly(double... gramsPerKwh) {
    List<CarbonSignal> out = new ArrayList<>();
    for (int h = 0; h < gramsPerKwh.length; h++) {
      out.add(new CarbonSignal("US-CAL-CISO", MIDNIGHT.plus(Duration.ofHours(h)), MIDNIGHT.plus(Duration.ofHours(h + 1)),
          CarbonIntensity.gramsPerKwh(gramsPerKwh[h]), SignalKind.MARGINAL, "test", false));
    }
    return out;
  }

  /** What the sources know at {@code now}: the slot that holds it and those after. */
  static List<CarbonSignal> knownAt(List<CarbonSignal> trace, Instant now) {
    return trace.stream().filter(s -> s.end().isAfter(now)).toList();
  }

  QueuedJob job(String id) {
    return queue.get(0, id);
  }

  @Override
  public void close() {
    if (queue != null) {
      queue.close();
    }
    launcher.stopAll();
  }
}
