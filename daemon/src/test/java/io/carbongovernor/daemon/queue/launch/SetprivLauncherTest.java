package io.carbongovernor.daemon.queue.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real jobs started through setsid and setpriv as nobody (the tests run as root). */
class SetprivLauncherTest {

  private static final String ID = "q-00000000000000a1";

  @TempDir Path base;
  private Path markers;
  private Path workdir;
  private JobLauncher launcher;

  @BeforeEach
  void setUp() throws IOException {
    Accounts.requireRoot();
    // nobody may pass through the temporary directory, not list or write it.
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    markers = base.resolve("markers");
    workdir = Files.createDirectory(base.resolve("work"));
    Accounts.giveToNobody(workdir);
    Files.setPosixFilePermissions(workdir, PosixFilePermissions.fromString("rwx------"));
    launcher = JobLaunchers.setpriv(JobLaunchers.SETSID, JobLaunchers.SETPRIV, markers, Accounts.SYSTEM);
  }

  private LaunchSpec spec(String id, long uid, Path dir, Optional<Path> log, Map<String, String> env, String... command) {
    return new LaunchSpec(id, "test job", uid, List.of(command), dir, log, env);
  }

  private LaunchSpec asNobody(String id, String... command) throws IOException {
    return spec(id, Accounts.nobody(), workdir, Optional.empty(), Map.of("PATH", "/usr/bin:/bin"), command);
  }

  private static int exit(Launched launched) throws Exception {
    return launched.exit().orElseThrow().get(60, TimeUnit.SECONDS);
  }

  private Path defaultLog(String id) {
    return workdir.resolve("carbon-governor-" + id + ".log");
  }

  private List<String> logLines(String id) throws IOException {
    return Files.readAllLines(defaultLog(id));
  }

  @Test
  void runsAsTheSubmitterWithItsGroupsNoCapabilitiesInTheWorkdir() throws Exception {
    long before = Instant.now().getEpochSecond();
    Launched launched = launcher.launch(asNobody(ID, "/bin/sh", "-c",
        "id -u; id -g; id -G; grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status; pwd -P; echo $$; date +%s"));
    assertThat(exit(launched)).isZero();
    long after = Instant.now().getEpochSecond();

    List<String> lines = logLines(ID);
    assertThat(lines).hasSize(10);
    assertThat(Files.getAttribute(defaultLog(ID), "unix:uid")).as("the log is opened as the user").isEqualTo((int) Accounts.nobody());
    assertThat(lines.get(0)).isEqualTo(Long.toString(Accounts.nobody()));
    assertThat(lines.get(1)).isEqualTo(Long.toString(Accounts.nobodysGid()));
    assertThat(Accounts.words(lines.get(2))).isEqualTo(Accounts.nobodysGroups()).doesNotContain("0");
    assertThat(lines.subList(3, 7)).allSatisfy(cap -> assertThat(cap).endsWith("\t0000000000000000"));
    assertThat(lines.get(7)).isEqualTo(workdir.toRealPath().toString());
    assertThat(launched.pid()).as("the pid the daemon holds is the command's").hasValue(Long.parseLong(lines.get(8)));
    assertThat(Long.parseLong(lines.get(9))).isBetween(before, after);
    assertThat(launched.unit()).isEmpty();
    assertThat(launcher.wasLaunched(ID)).isTrue();
  }

  /**
   * A daemon that itself has supplementary groups (root's 0 and 4 here) and an inheritable
   * capability passes neither on: the job has the user's groups and no capability at all.
   */
  @Test
  void theDaemonsOwnGroupsAndInheritableCapabilitiesAreNotPassedOn() throws Exception {
    Path setsid = Files.writeString(base.resolve("setsid-as-a-richer-root"),
        "#!/bin/sh\nexec " + JobLaunchers.SETPRIV + " --groups=0,4 --inh-caps=+net_admin -- " + JobLaunchers.SETSID + " \"$@\"\n");
    Files.setPosixFilePermissions(setsid, PosixFilePermissions.fromString("rwx------"));
    JobLauncher richer = JobLaunchers.setpriv(setsid, JobLaunchers.SETPRIV, markers, Accounts.SYSTEM);
    Launched launched = richer.launch(asNobody(ID, "/bin/sh", "-c", "id -G; grep -E '^Cap(Inh|Prm|Eff|Amb)' /proc/self/status"));
    assertThat(exit(launched)).isZero();
    List<String> lines = logLines(ID);
    assertThat(Accounts.words(lines.get(0))).isEqualTo(Accounts.nobodysGroups()).doesNotContain("0", "4");
    assertThat(lines.subList(1, 5)).allSatisfy(cap -> assertThat(cap).endsWith("\t0000000000000000"));
  }

  @Test
  void theCommandSeesExactlyTheSpecsEnvironment() throws Exception {
    // No PATH: the launcher's own PATH must not show through either.
    Map<String, String> env = new TreeMap<>(Map.of(
        "CUDA_VISIBLE_DEVICES", "1,3",
        "PWD", "/where/it/was/submitted",
        "ODD", "two\nlines $HOME `id` 'q' \"d\"",
        "EMPTY", ""));
    Path log = workdir.resolve("env.log");
    assertThat(exit(launcher.launch(spec(ID, Accounts.nobody(), workdir, Optional.of(log), env, "/usr/bin/env", "-0"))))
        .isZero();

    Map<String, String> seen = new TreeMap<>();
    for (String entry : Files.readString(log, StandardCharsets.UTF_8).split("\0")) {
      int eq = entry.indexOf('=');
      seen.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    assertThat(seen).isEqualTo(env);
  }

  @Test
  void theRootSideRunsWithAFixedPathAndTheJobsEnvironmentOnlyBehindSetpriv() throws Exception {
    // What the daemon starts as root sees PATH and nothing else of the daemon's environment...
    Process root = RootProcess.start(ID, List.of("/usr/bin/env"));
    assertThat(RootProcess.output(ID, root, Duration.ofMinutes(1))).isEqualTo("PATH=" + RootProcess.PATH + "\n");
    // ...and the job's variables (a LD_PRELOAD would run code in whatever process got it) first
    // appear in env -i's arguments, which runs as the user once the log is open.
    Path log = workdir.resolve("job.log");
    List<String> argv = ((SetprivLauncher) launcher).argv(
        spec(ID, 0, workdir, Optional.of(log), Map.of("LD_PRELOAD", "/x.so"), "true"), new Submitter(1000, "u", 1000), log);
    int envAt = argv.indexOf(RootProcess.ENV);
    assertThat(argv.subList(0, envAt)).noneMatch(a -> a.contains("LD_PRELOAD"))
        .containsSubsequence(JobLaunchers.SETSID.toString(), JobLaunchers.SETPRIV.toString(), "--reuid=1000",
            "--regid=1000", "--init-groups", "--inh-caps=-all", "--", RootProcess.SH, "-c")
        .endsWith(UserShell.NAME, workdir.toString(), log.toString());
    assertThat(argv.subList(envAt, envAt + 4)).containsExactly(RootProcess.ENV, "-i", "--", "LD_PRELOAD=/x.so");
  }

  @Test
  void aDaemonThatIsNotRootStartsItsOwnUsersJobsWithoutSetprivAndRefusesOthers() throws Exception {
    // As in the demo, run by a user: setpriv --init-groups would fail there (no CAP_SETGID).
    SetprivLauncher own = (SetprivLauncher) JobLaunchers.setpriv(
        JobLaunchers.SETSID, JobLaunchers.SETPRIV, markers, Accounts.SYSTEM, 1000);
    Path log = workdir.resolve("job.log");
    List<String> argv = own.argv(spec(ID, 1000, workdir, Optional.of(log), Map.of(), "true"),
        new Submitter(1000, "u", 1000), log);
    assertThat(argv).contains(JobLaunchers.SETSID.toString()).doesNotContain(JobLaunchers.SETPRIV.toString())
        .noneMatch(a -> a.startsWith("--reuid"));
    assertThatThrownBy(() -> own.argv(spec(ID, 1001, workdir, Optional.of(log), Map.of(), "true"),
            new Submitter(1001, "v", 1001), log))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("runs as uid 1000, not root");
  }

  @Test
  void argumentsReachTheCommandWithoutAShellReadingThem() throws Exception {
    Launched launched = launcher.launch(asNobody(ID, "/bin/sh", "-c", "printf '%s\\n' \"$@\"; echo \"[$HOME]\"", "sh",
        "$HOME", "; touch pwned", "*", "a b", "$(id)"));
    assertThat(exit(launched)).isZero();
    assertThat(logLines(ID)).containsExactly("$HOME", "; touch pwned", "*", "a b", "$(id)", "[]");
    assertThat(workdir.resolve("pwned")).doesNotExist();
  }

  @Test
  void aLogInADirectoryOnlyRootMayWriteFailsTheJobAndCreatesNothing() throws Exception {
    Path rootOnly = Files.createDirectory(base.resolve("root-only"));
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx--x--x"));
    Path log = rootOnly.resolve("job.log");
    assertThatThrownBy(() -> launcher.launch(spec(ID, Accounts.nobody(), workdir, Optional.of(log),
            Map.of(), "/bin/sh", "-c", "echo ran > ran")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining(ID)
        .hasMessageContaining(log.toString());
    assertThat(log).doesNotExist();
    assertThat(workdir.resolve("ran")).doesNotExist();
  }

  @Test
  void aLogThatIsALinkToARootFileFailsTheJobAndLeavesTheFileAlone() throws Exception {
    Path secret = Files.writeString(base.resolve("secret"), "root's\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Files.setLastModifiedTime(secret, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    Path link = Files.createSymbolicLink(workdir.resolve("job.log"), secret);
    Path dangling = Files.createSymbolicLink(workdir.resolve("new.log"), base.resolve("root-only-new"));

    for (Path log : List.of(link, dangling)) {
      assertThatThrownBy(() -> launcher.launch(spec(ID, Accounts.nobody(), workdir, Optional.of(log),
              Map.of(), "/bin/sh", "-c", "echo ran > ran")))
          .isInstanceOf(LaunchException.class)
          .hasMessageContaining("Permission denied");
      Files.delete(markers.resolve(ID)); // each failed start counts as the job's start
    }
    assertThat(Files.readString(secret)).isEqualTo("root's\n");
    assertThat(Files.getLastModifiedTime(secret).toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    assertThat(base.resolve("root-only-new")).doesNotExist();
    assertThat(workdir.resolve("ran")).doesNotExist();
  }

  @Test
  void aWorkdirTheUserMayNotEnterFailsTheJobAndRunsNothing() throws Exception {
    Path closed = Files.createDirectory(base.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> launcher.launch(spec(ID, Accounts.nobody(), closed, Optional.of(workdir.resolve("job.log")),
            Map.of(), "/bin/sh", "-c", "echo ran > " + workdir.resolve("ran"))))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("can't cd to " + closed);
    assertThat(workdir.resolve("ran")).doesNotExist();
    assertThat(workdir.resolve("job.log")).doesNotExist();
    assertThat(closed).isEmptyDirectory();
  }

  @Test
  void aSecondLaunchOfTheSameJobRunsNothing() throws Exception {
    LaunchSpec spec = asNobody(ID, "/bin/sh", "-c", "echo ran >> count");
    assertThat(exit(launcher.launch(spec))).isZero();
    assertThatThrownBy(() -> launcher.launch(spec))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("already launched");
    assertThat(Files.readAllLines(workdir.resolve("count"))).containsExactly("ran");
  }

  @Test
  void concurrentLaunchesOfTheSameJobRunItOnce() throws Exception {
    LaunchSpec spec = asNobody(ID, "/bin/sh", "-c", "echo ran >> count");
    int threads = 8;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Launched>> tries = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        tries.add(pool.submit(() -> {
          go.await();
          return launcher.launch(spec);
        }));
      }
      go.countDown();
      List<Launched> started = new ArrayList<>();
      List<Throwable> refused = new ArrayList<>();
      for (Future<Launched> attempt : tries) {
        try {
          started.add(attempt.get(120, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          refused.add(e.getCause());
        }
      }
      assertThat(started).hasSize(1);
      assertThat(refused).hasSize(threads - 1)
          .allSatisfy(e -> assertThat(e).isInstanceOf(LaunchException.class).hasMessageContaining("already launched"));
      assertThat(exit(started.get(0))).isZero();
    } finally {
      pool.shutdownNow();
    }
    assertThat(Files.readAllLines(workdir.resolve("count"))).containsExactly("ran");
  }

  /** Without the daemon's own check first: the marker shell alone lets one of many through. */
  @Test
  void theMarkerShellLetsOneOfManyThrough() throws Exception {
    LaunchMarkers guard = LaunchMarkers.in(markers);
    Path count = base.resolve("count");
    List<Process> processes = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      List<String> argv = new ArrayList<>(guard.guard(ID));
      argv.addAll(List.of("/bin/sh", "-c", "echo ran >> \"$0\"", count.toString()));
      processes.add(new ProcessBuilder(argv).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
    }
    List<Integer> exits = new ArrayList<>();
    for (Process p : processes) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      exits.add(p.exitValue());
    }
    assertThat(exits).containsOnlyOnce(0).filteredOn(e -> e != 0).containsOnly(LaunchMarkers.MARKER_REFUSED);
    assertThat(Files.readAllLines(count)).containsExactly("ran");
  }

  @Test
  void aUidWithoutAnAccountIsRefused() {
    long unknown = 3_999_999_999L;
    assertThat(Accounts.SYSTEM.user(unknown)).isEmpty();
    assertThatThrownBy(() -> launcher.launch(spec(ID, unknown, workdir, Optional.empty(), Map.of(), "/usr/bin/true")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("uid 3999999999 has no account");
    assertThat(launcher.wasLaunched(ID)).isFalse();
  }

  @Test
  void aBadEnvironmentIsRefusedBeforeAnythingRuns() throws IOException {
    for (Map<String, String> env : List.of(Map.of("BAD-NAME", "x"), Map.of("1X", "x"), Map.of("", "x"),
        Map.of("A=B", "x"), Map.of("LD_PRELOAD ", "x"), Map.of("OK", "a\0b"))) {
      assertThatThrownBy(() -> launcher.launch(spec(ID, Accounts.nobody(), workdir, Optional.empty(), env,
              "/bin/sh", "-c", "echo ran > ran")))
          .isInstanceOf(LaunchException.class)
          .hasMessageContaining("environment variable");
    }
    assertThat(launcher.wasLaunched(ID)).isFalse();
    assertThat(workdir).isEmptyDirectory();
  }

  @Test
  void badJobIdsArgumentsAndPathsAreRefused() throws IOException {
    for (String id : List.of("../../etc/passwd", "q-0", "q-00000000000000a1/..", "q-00000000000000A1", "x-00000000000000a1")) {
      assertThatThrownBy(() -> launcher.launch(asNobody(id, "/usr/bin/true")))
          .isInstanceOf(LaunchException.class).hasMessageContaining("not a job id");
      assertThatThrownBy(() -> launcher.wasLaunched(id)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> launcher.launch(asNobody(ID, "/bin/echo", "a\0b")))
        .isInstanceOf(LaunchException.class).hasMessageContaining("NUL");
    assertThatThrownBy(() -> launcher.launch(spec(ID, Accounts.nobody(), Path.of("work"), Optional.empty(), Map.of(), "true")))
        .isInstanceOf(LaunchException.class).hasMessageContaining("not an absolute path");
    assertThat(launcher.wasLaunched(ID)).isFalse();
    try (var listing = Files.list(markers)) {
      assertThat(listing).isEmpty();
    }
  }

  @Test
  void aRootSubmittedJobRunsAsRoot() throws Exception {
    Launched launched = launcher.launch(spec(ID, 0, workdir, Optional.empty(), Map.of("PATH", "/usr/bin:/bin"),
        "/bin/sh", "-c", "id -u; id -g"));
    assertThat(exit(launched)).isZero();
    assertThat(logLines(ID)).containsExactly("0", "0");
  }

  @Test
  void theCommandsExitStatusComesBack() throws Exception {
    assertThat(exit(launcher.launch(asNobody(ID, "/bin/sh", "-c", "exit 7")))).isEqualTo(7);
    String missing = "q-00000000000000b2";
    assertThat(exit(launcher.launch(asNobody(missing, "no-such-program")))).isEqualTo(127);
    assertThat(Files.readString(defaultLog(missing))).contains("no-such-program");
  }
}
