package io.carbongovernor.daemon.teams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.config.PolicyConfig;
import io.carbongovernor.daemon.config.TeamConfig;
import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.jobs.JobRequest;
import io.carbongovernor.daemon.teams.GpuClaims.Claim;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.GpuFault;
import io.carbongovernor.gpu.GpuProcess;
import io.carbongovernor.gpu.ProcessOwners;
import io.carbongovernor.gpu.SimulatedAccount;
import io.carbongovernor.gpu.SimulatedGpuControl;
import io.carbongovernor.gpu.SimulatedGpus;
import io.carbongovernor.gpu.SimulatedWork;
import io.carbongovernor.policy.Policies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who claims each GPU, on a /proc tree laid out by hand and simulated GPUs that report its pids:
 * a job claims a GPU only where its work is a compute process.
 */
class GpuClaimsTest {

  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
  private static final long ALICE = 1001; // team vision
  private static final long BOB = 1002; // team nlp
  private static final long NOBODY = 65534; // no team
  private static final String SESSION = "0::/user.slice/user-1001.slice/session-4.scope\n";
  private static final Claim VISION = new Claim(Optional.of("vision"));
  private static final Claim NLP = new Claim(Optional.of("nlp"));
  private static final Claim DEFAULT = new Claim(Optional.empty());

  @TempDir Path root;
  private Path proc;
  private SimulatedGpuControl gpus;
  private List<Gpu> gpuList;
  private JobRegistry jobs;
  private GpuClaims claims;
  private TeamDirectory teams;
  private ProcessOwners owners;

  @BeforeEach
  void world() throws Exception {
    proc = Files.createDirectories(root.resolve("proc"));
    Path etc = Files.createDirectories(root.resolve("etc"));
    Files.writeString(etc.resolve("passwd"),
        "alice:x:1001:1001::/home/alice:/bin/sh\nbob:x:1002:1002::/home/bob:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(etc.resolve("group"), "alice:x:1001:\nbob:x:1002:\nnogroup:x:65534:\n");
    teams = TeamDirectory.of(List.of(team("vision", "alice"), team("nlp", "bob")));
    owners = ProcessOwners.of(proc, AccountNames.files(etc.resolve("passwd"), etc.resolve("group")));
    ProcessTree tree = ProcessTree.under(proc);
    jobs = new JobRegistry(ProcFs.under(proc), tree, owners, () -> teams);
    claims = new GpuClaims(owners, tree);
    gpus = SimulatedGpus.builder().count(4).clock(Clock.fixed(T0, ZoneOffset.UTC)).firstPid(900_000_000).build();
    gpuList = gpus.gpus();
    gpuList.forEach(g -> gpus.setProcesses(g, List.of()));
  }

  private static TeamConfig team(String name, String user) {
    return new TeamConfig(name, Path.of(name + ".yaml"), List.of(user), List.of(),
        new PolicyConfig("full-speed", Policies.fullSpeed()), List.of(), OptionalDouble.empty(), 0);
  }

  /** A process: its status (real uid), stat (parent, process group) and cgroup files. */
  private void process(long pid, long uid, long ppid, long pgrp, String cgroup) throws Exception {
    Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
    Files.writeString(dir.resolve("status"),
        "Name:\tpython3\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nGid:\t" + uid + "\t" + uid + "\t" + uid
            + "\t" + uid + "\nGroups:\t\n");
    // A command name with a space and parentheses, as a process may choose its own.
    Files.writeString(dir.resolve("stat"),
        pid + " (pt worker) (1)) S " + ppid + " " + pgrp + " " + pgrp + " 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 "
            + (1000 + pid) + " 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
    Files.writeString(dir.resolve("cgroup"), cgroup);
  }

  private void onGpu(int index, long... pids) {
    gpus.setProcesses(gpuList.get(index), Arrays.stream(pids).mapToObj(p -> new GpuProcess(p, 1L << 30)).toList());
  }

  private Job register(long pid, String... gpuRefs) {
    return jobs.register(0, new JobRequest("job", pid, List.of(gpuRefs), OptionalInt.empty(), false), gpuList, T0);
  }

  private GpuClaims.Resolution resolve() {
    return claims.resolve(gpus, gpuList, jobs.jobs(), teams);
  }

  @Test
  void aRegisteredProcessOfNoTeamClaimsNothingUntilItRunsOnTheGpu() throws Exception {
    process(100, ALICE, 1, 100, SESSION); // vision's training process
    process(700, NOBODY, 1, 700, "0::/user.slice/user-65534.slice/session-9.scope\n"); // an idle sleep
    onGpu(0, 100);
    Job sleep = register(700, "0", "1");

    GpuClaims.Resolution r = resolve();
    assertThat(r.claims().get(gpuList.get(0))).containsExactly(VISION);
    assertThat(r.claims().get(gpuList.get(1))).isEmpty();
    assertThat(r.jobsSeen()).isEmpty();
    assertThat(r.listed()).containsExactlyInAnyOrderElementsOf(gpuList);

    onGpu(1, 700); // the same process now has a CUDA context on GPU 1
    r = resolve();
    assertThat(r.claims().get(gpuList.get(0))).containsExactly(VISION);
    assertThat(r.claims().get(gpuList.get(1))).containsExactly(DEFAULT);
    assertThat(r.jobsSeen()).containsOnlyKeys(sleep.id());
    assertThat(r.jobsSeen().get(sleep.id())).containsExactly(gpuList.get(1));
  }

  @Test
  void aJobsWorkIsItsProcessItsDescendantsAndItsUidsProcessesInItsGroupOrCgroup() throws Exception {
    // Alice's launcher, registered by root, and the processes around it.
    process(200, ALICE, 1, 200, SESSION);
    process(201, ALICE, 200, 200, SESSION); // its worker
    process(202, BOB, 201, 202, "0::/user.slice/user-1002.slice/session-5.scope\n"); // a grandchild run as bob
    process(300, ALICE, 1, 200, "0::/system.slice/cron.service\n"); // re-parented, same process group
    process(301, BOB, 1, 200, "0::/system.slice/cron.service\n"); // bob's process in that group
    process(400, ALICE, 1, 400, SESSION); // same cgroup, own group
    process(401, BOB, 1, 401, SESSION); // bob's process in alice's session cgroup
    Job launcher = register(200, "0", "1", "2", "3");
    onGpu(0, 201, 202);
    onGpu(1, 300, 301);
    onGpu(2, 400);
    onGpu(3, 401);

    GpuClaims.Resolution r = resolve();
    assertThat(r.jobsSeen().get(launcher.id())).containsExactlyInAnyOrder(gpuList.get(0), gpuList.get(1), gpuList.get(2));
    assertThat(r.claims().get(gpuList.get(0))).containsExactlyInAnyOrder(VISION, NLP);
    assertThat(r.claims().get(gpuList.get(1))).containsExactlyInAnyOrder(VISION, NLP);
    assertThat(r.claims().get(gpuList.get(3))).containsExactly(NLP); // another uid: not alice's work
  }

  @Test
  void theRootCgroupAndAVanishedProcessMakeNoJobsWork() throws Exception {
    process(500, ALICE, 1, 500, "0::/\n");
    process(501, ALICE, 1, 501, "0::/\n");
    process(600, NOBODY, 1, 600, "0::/\n");
    Job j = register(501, "0", "1");
    Job nobodys = register(600, "1");
    onGpu(0, 500); // shares only the root cgroup with the job
    onGpu(1, 999_999); // listed by the driver, gone from /proc by the time it is read

    GpuClaims.Resolution r = resolve();
    assertThat(r.jobsSeen()).doesNotContainKeys(j.id(), nobodys.id());
    assertThat(r.claims().get(gpuList.get(0))).containsExactly(VISION);
    assertThat(r.claims().get(gpuList.get(1))).containsExactly(DEFAULT);
  }

  @Test
  void aDroppedClaimIsNotSeenAgainAndAnUnlistableGpuIsBusyUnderTheDefaultPolicy() throws Exception {
    process(800, NOBODY, 1, 800, "0::/user.slice/user-65534.slice/session-9.scope\n");
    Job sleep = register(800, "0", "2");
    GpuClaims.Resolution r = resolve();
    jobs.observe(r.jobsSeen(), r.listed(), T0.plus(JobRegistry.CLAIM_GRACE));
    onGpu(0, 800);
    gpus.fail(gpuList.get(2), GpuFault.UNKNOWN);

    r = resolve();
    assertThat(r.jobsSeen()).doesNotContainKey(sleep.id());
    assertThat(r.claims().get(gpuList.get(0))).containsExactly(DEFAULT); // the process itself, not the job
    assertThat(r.claims().get(gpuList.get(2))).containsExactly(DEFAULT);
    assertThat(r.listed()).doesNotContain(gpuList.get(2));
    assertThat(Set.copyOf(r.claims().keySet())).containsExactlyInAnyOrderElementsOf(gpuList);
  }

  @Test
  void aSimulatedBackendsWorkIsClaimedByTheTeamsOfItsSimulatedAccountsAndIsNoJobsWork() throws Exception {
    SimulatedGpuControl sim = SimulatedGpus.builder().count(3).clock(Clock.fixed(T0, ZoneOffset.UTC))
        .work(List.of(
            new SimulatedWork(0, Optional.of(new SimulatedAccount("alice", List.of()))),
            new SimulatedWork(1, Optional.of(new SimulatedAccount("carol", List.of("staff"))))))
        .build();
    List<Gpu> simGpus = sim.gpus();
    teams = TeamDirectory.of(List.of(team("vision", "alice"), groupTeam("nlp", "staff")));
    process(700, NOBODY, 1, 700, "0::/user.slice/user-65534.slice/session-9.scope\n");
    Job job = jobs.register(0, new JobRequest("job", 700, List.of("0", "1"), OptionalInt.empty(), false), simGpus, T0);

    GpuClaims.Resolution r = new GpuClaims(owners, ProcessTree.under(proc), sim).resolve(sim, simGpus, jobs.jobs(), teams);
    assertThat(r.claims().get(simGpus.get(0))).containsExactly(VISION);
    assertThat(r.claims().get(simGpus.get(1))).as("by the account's group").containsExactly(NLP);
    assertThat(r.claims().get(simGpus.get(2))).as("no work").isEmpty();
    assertThat(r.jobsSeen()).as("a job registers a real process; simulated work is none of it").doesNotContainKey(job.id());

    // Resolved as for real GPUs, the same processes have no owner anyone can read.
    r = new GpuClaims(owners, ProcessTree.under(proc)).resolve(sim, simGpus, jobs.jobs(), teams);
    assertThat(r.claims().get(simGpus.get(0))).containsExactly(DEFAULT);
    assertThat(r.claims().get(simGpus.get(1))).containsExactly(DEFAULT);
  }

  @Test
  void aRealProcesssOwnerComesFromProcWhateverTheSimulationSays() throws Exception {
    process(100, BOB, 1, 100, "0::/user.slice/user-1002.slice/session-5.scope\n");
    onGpu(0, 100);
    // A simulation that names an account for every pid, real ones included.
    GpuClaims lying = new GpuClaims(owners, ProcessTree.under(proc), pid -> Optional.of(new SimulatedAccount("alice", List.of())));

    GpuClaims.Resolution r = lying.resolve(gpus, gpuList, jobs.jobs(), teams);
    assertThat(r.claims().get(gpuList.get(0))).as("bob's process, as /proc says").containsExactly(NLP);
  }

  private static TeamConfig groupTeam(String name, String group) {
    return new TeamConfig(name, Path.of(name + ".yaml"), List.of(), List.of(group),
        new PolicyConfig("full-speed", Policies.fullSpeed()), List.of(), OptionalDouble.empty(), 0);
  }
}
