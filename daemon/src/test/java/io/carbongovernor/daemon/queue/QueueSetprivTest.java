package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.GPUS;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.carbongovernor.daemon.identity.ProcFs;
import io.carbongovernor.daemon.identity.ProcessTree;
import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRegistry;
import io.carbongovernor.daemon.queue.launch.JobLaunchers;
import io.carbongovernor.daemon.teams.TeamDirectory;
import io.carbongovernor.daemon.testing.ChildProcesses;
import io.carbongovernor.gpu.AccountNames;
import io.carbongovernor.gpu.ProcessOwners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue with the real privilege-dropping launcher: a job submitted by nobody runs as nobody. */
class QueueSetprivTest {

  @TempDir Path dir;
  private QueueWorld world;
  private JobQueue queue;

  @AfterEach
  void stop() {
    if (queue != null) {
      queue.close();
    }
    if (world != null) {
      world.close();
    }
  }

  @Test
  void aJobSubmittedByNobodyRunsAsNobody() throws Exception {
    world = new QueueWorld(dir);
    assumeTrue(world.runner == 0, "starting a job as another user needs root");
    AccountNames system = AccountNames.system();
    long nobody = system.uid("nobody").orElseThrow();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path work = Files.createDirectory(dir.resolve("nobodys-work"));
    UserPrincipalLookupService names = work.getFileSystem().getUserPrincipalLookupService();
    Files.setOwner(work, names.lookupPrincipalByName("nobody"));
    Path fifo = work.resolve("uid");
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "666", fifo.toString()).start();
    assertThat(mkfifo.waitFor(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    JobRegistry registry = new JobRegistry(ProcFs.system(), ProcessTree.system(),
        ProcessOwners.of(Path.of("/proc"), system), () -> TeamDirectory.of(world.config.get().teams()));
    queue = JobQueue.open(world.config::get, dir.resolve("state/history.db"),
        JobLaunchers.setpriv(JobLaunchers.SETSID, JobLaunchers.SETPRIV, dir.resolve("markers"), system), registry,
        system, world.clock);

    QueuedJob job = queue.submit(nobody, new SubmitRequest("train", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)), new GpuRequest.None(),
        work, Optional.empty(), List.of("/bin/sh", "-c", "id -u > uid; exec sleep 60"),
        Map.of("PATH", "/usr/bin:/bin")));
    queue.check(List.of(), List.of(), GPUS);

    assertThat(Files.readString(fifo).trim()).isEqualTo(Long.toString(nobody)); // blocks until the job wrote it
    QueuedJob started = queue.get(nobody, job.id());
    assertThat(started.state()).isEqualTo(QueueState.STARTED);
    long pid = started.pid().orElseThrow();
    assertThat(ProcessOwners.of(Path.of("/proc"), system).owner(pid).orElseThrow().uid()).isEqualTo(nobody);
    assertThat(registry.jobs()).singleElement().extracting(Job::id).isEqualTo(started.registeredJob().orElseThrow());
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
  }
}
