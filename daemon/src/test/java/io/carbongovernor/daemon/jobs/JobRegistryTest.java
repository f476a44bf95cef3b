package io.carbongovernor.daemon.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration rules and the measured profile, on a /proc and account files laid out by hand. */
class JobRegistryTest {

  private static final PowerConstraints A40 = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300));
  private static final Gpu GPU = new Gpu(0, "GPU-0", "A40", A40, Power.ofWatts(300));
  private static final Gpu GPU1 = new Gpu(1, "GPU-5a5a0000-0000-4000-8000-00000000000b", "A40", A40, Power.ofWatts(300));
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @TempDir Path root;
  private JobRegistry jobs;

  /** A process as /proc shows it: its status (uid, gid 1001, group 2000) and its stat line. */
  private void process(long pid, long uid, long startTicks) throws Exception {
    Path dir = Files.createDirectories(root.resolve("proc/" + pid));
    Files.writeString(dir.resolve("status"),
        "Name:\tpython3\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t1001\t1001\t1001\t1001\nGroups:\t2000\n");
    Files.writeString(dir.resolve("stat"),
        pid + " (python3) S 1 " + pid + " " + pid + " 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 " + startTicks
            + " 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
  }

  @BeforeEach
  void world() throws Exception {
    process(4242, 1001, 5000);
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/passwd"), "alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\n");
    Files.writeString(root.resolve("etc/group"), "alice:x:1001:\nbob:x:1002:\nvision:x:2000:alice\n");
    TeamConfig vision =
        new TeamConfig("vision", root.resolve("vision.yaml"), List.of(), List.of("vision"),
            new PolicyConfig("full-speed", Policies.fullSpeed()), List.of(128, 256), OptionalDouble.empty(), 0);
    jobs =
        new JobRegistry(
            ProcFs.under(root.resolve("proc")),
            ProcessTree.under(root.resolve("proc")),
            ProcessOwners.of(root.resolve("proc"), AccountNames.files(root.resolve("etc/passwd"), root.resolve("etc/group"))),
            () -> TeamDirectory.of(List.of(vision)));
  }

  private Job register(long caller) {
    return jobs.register(caller, new JobRequest("bert", 4242, List.of("0"), OptionalInt.of(256), false), List.of(GPU), T0);
  }

  @Test
  void theTeamComesFromTheProcessOwnersRealGroups() {
    Job job = register(1001);
    assertThat(job.owner().name()).isEqualTo("alice");
    assertThat(job.owner().groups()).contains("vision");
    assertThat(job.team()).hasValue("vision");
    assertThat(register(0).owner().uid()).isEqualTo(1001); // root registers for alice
  }

  @Test
  void anotherUidCanNeitherRegisterNorReadTheJob() {
    assertThatThrownBy(() -> register(1002))
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("belongs to uid 1001, not to the caller (uid 1002)");
    Job job = register(1001);
    assertThatThrownBy(() -> jobs.get(1002, job.id()))
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.status()).isEqualTo(403));
    assertThat(jobs.get(0, job.id())).isEqualTo(job);
  }

  @Test
  void progressAtThreeLimitsBuildsAMeasuredProfile() {
    Job job = register(1001);
    Instant t = T0;
    long work = 0;
    // Two minutes a report. An interval that spans a limit change (rate 10 here) belongs to no
    // limit; the others give 100, 80 and 60 samples/s at 300, 200 and 150 W.
    int[][] steps = {{300, 0}, {300, 100}, {200, 10}, {200, 80}, {150, 10}};
    for (int[] step : steps) {
      work += step[1] * 120L;
      t = t.plusSeconds(120);
      job = jobs.progress(1001, job.id(), new ProgressReport(work, 1, Optional.empty(), OptionalDouble.empty()), t,
          Optional.of(Power.ofWatts(step[0])));
    }
    assertThat(job.profile().usable()).isFalse();
    assertThat(job.profile().asProfile("measured", Optional.empty())).isEmpty();
    work += 60 * 120L;
    job = jobs.progress(1001, job.id(), new ProgressReport(work, 2, Optional.empty(), OptionalDouble.empty()),
        t.plusSeconds(120), Optional.of(Power.ofWatts(150)));
    assertThat(job.profile().usable()).isTrue();
    assertThat(job.profile().throughputByLimit())
        .containsOnlyKeys(Power.ofWatts(150), Power.ofWatts(200), Power.ofWatts(300));
    assertThat(job.profile().throughputByLimit().get(Power.ofWatts(200))).isCloseTo(80.0, within(1e-9));
    assertThat(job.profile().throughputByLimit().get(Power.ofWatts(150))).isCloseTo(60.0, within(1e-9));
    PowerProfile measured = job.profile().asProfile("measured", Optional.empty()).orElseThrow();
    assertThat(measured.relativeThroughputAt(Power.ofWatts(150))).isCloseTo(0.6, within(1e-6));
  }

  @Test
  void workDoneCannotGoBack() {
    Job job = register(1001);
    jobs.progress(1001, job.id(), new ProgressReport(100, 1, Optional.empty(), OptionalDouble.empty()), T0, Optional.empty());
    assertThatThrownBy(
            () -> jobs.progress(1001, job.id(), new ProgressReport(50, 1, Optional.empty(), OptionalDouble.empty()),
                T0.plusSeconds(1), Optional.empty()))
        .hasMessageContaining("went back from 100 to 50");
  }

  @Test
  void aGpuIsNamedByItsIndexOrItsUuidInAnyCaseWithOrWithoutThePrefix() {
    for (String ref : List.of("1", "GPU-5a5a0000-0000-4000-8000-00000000000b", "gpu-5A5A0000-0000-4000-8000-00000000000B",
        "5a5a0000-0000-4000-8000-00000000000b", "5A5A0000-0000-4000-8000-00000000000B")) {
      Job job = jobs.register(1001, new JobRequest("bert", 4242, List.of(ref), OptionalInt.empty(), false), List.of(GPU, GPU1), T0);
      assertThat(job.gpus()).as(ref).containsExactly(GPU1);
    }
    for (String ref : List.of("GPU-5a5a0000", "2", "GPU-", "MIG-5a5a0000-0000-4000-8000-00000000000b")) {
      assertThatThrownBy(
              () -> jobs.register(1001, new JobRequest("bert", 4242, List.of(ref), OptionalInt.empty(), false), List.of(GPU, GPU1), T0))
          .as(ref)
          .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.status()).isEqualTo(400))
          .hasMessage("unknown GPU '" + ref + "'");
    }
  }

  @Test
  void oneUidHoldsAtMost64JobsWhileOthersStillRegister() throws Exception {
    process(4343, 1002, 6000);
    for (int i = 0; i < JobRegistry.MAX_JOBS_PER_UID; i++) {
      register(1001);
    }
    assertThatThrownBy(() -> register(1001))
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.status()).isEqualTo(429))
        .hasMessageContaining("uid 1001")
        .hasMessageContaining("at most 64");
    assertThatThrownBy(() -> register(0)) // root registering alice's process counts against alice
        .isInstanceOfSatisfying(JobException.class, e -> assertThat(e.status()).isEqualTo(429));
    Job bobs = jobs.register(1002, new JobRequest("gpt", 4343, List.of("0"), OptionalInt.empty(), false), List.of(GPU), T0);
    assertThat(bobs.owner().name()).isEqualTo("bob");
    assertThat(jobs.jobs()).hasSize(JobRegistry.MAX_JOBS_PER_UID + 1);
  }

  @Test
  void aClaimWaitsForItsWorkThenRunsAndIsDroppedWhenAbsentPastTheGracePeriod() {
    Job job = jobs.register(1001, new JobRequest("bert", 4242, List.of("0", "1"), OptionalInt.empty(), false), List.of(GPU, GPU1), T0);
    assertThat(job.claims()).extracting(JobGpu::state).containsExactly(ClaimState.WAITING, ClaimState.WAITING);
    assertThat(job.runsOn(GPU)).isFalse();
    Set<Gpu> both = Set.of(GPU, GPU1);

    jobs.observe(Map.of(job.id(), Set.of(GPU)), both, T0.plus(Duration.ofMinutes(5)));
    assertThat(states(job)).containsExactly(ClaimState.RUNNING, ClaimState.WAITING);
    assertThat(jobs.get(1001, job.id()).runsOn(GPU)).isTrue();

    // GPU 1 waited from registration; GPU 0 from when it was last seen.
    jobs.observe(Map.of(), both, T0.plus(JobRegistry.CLAIM_GRACE).minusSeconds(1));
    assertThat(states(job)).containsExactly(ClaimState.WAITING, ClaimState.WAITING);
    jobs.observe(Map.of(), both, T0.plus(JobRegistry.CLAIM_GRACE));
    assertThat(states(job)).containsExactly(ClaimState.WAITING, ClaimState.DROPPED);
    // A GPU whose processes could not be listed says nothing about the job.
    jobs.observe(Map.of(), Set.of(GPU1), T0.plus(Duration.ofMinutes(30)));
    assertThat(states(job)).containsExactly(ClaimState.WAITING, ClaimState.DROPPED);
    jobs.observe(Map.of(job.id(), Set.of(GPU, GPU1)), both, T0.plus(Duration.ofMinutes(31)));
    assertThat(states(job)).containsExactly(ClaimState.RUNNING, ClaimState.DROPPED); // dropped for good
    assertThat(jobs.get(1001, job.id()).mayClaim(GPU1)).isFalse();
  }

  private List<ClaimState> states(Job job) {
    return jobs.get(1001, job.id()).claims().stream().map(JobGpu::state).toList();
  }

  @Test
  void aJobEndsWhenItsPidNamesALaterProcess() throws Exception {
    Job job = register(1001);
    assertThat(jobs.removeExited()).isEmpty();
    process(4242, 1001, 9000); // the job's process exited and a new one got its pid
    assertThat(jobs.removeExited()).extracting(Job::id).containsExactly(job.id());
    assertThat(jobs.jobs()).isEmpty();
  }
}
