package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.GPUS;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.daemon.jobs.Job;
import io.carbongovernor.daemon.jobs.JobRequest;
import io.carbongovernor.daemon.testing.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A started job's program that registers itself through the job API (as the Python client does)
 * is the queue's job, not a second one.
 */
class QueueAdoptionTest {

  @TempDir Path dir;
  private QueueWorld world;

  @BeforeEach
  void node() throws Exception {
    world = new QueueWorld(dir);
    world.open();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aDescendantOfTheStartedJobRegistersAsThatJob() throws Exception {
    Path fifo = world.work.resolve("child-pid");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(ChildProcesses.WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    QueuedJob queued = world.queue.submit(world.runner, new SubmitRequest("train", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)), new GpuRequest.Count(1),
        world.work, Optional.empty(), List.of("/bin/sh", "-c", "sleep 60 & echo $! > child-pid; wait"),
        Map.of("PATH", "/usr/bin:/bin")));
    world.queue.check(List.of(), List.of(), GPUS);
    long child = Long.parseLong(Files.readString(fifo).trim()); // blocks until the job has written it
    String id = world.job(queued.id()).registeredJob().orElseThrow();
    assertThat(world.registry.jobs()).extracting(Job::id).containsExactly(id);
    Job started = world.registry.jobs().get(0);
    assertThat(started.owner().uid()).isEqualTo(world.runner);
    assertThat(started.owner().name()).isEqualTo("runner");
    assertThat(started.team()).hasValue("vision");
    assertThat(started.claims()).extracting(c -> c.gpu().uuid()).containsExactly(GPUS.get(0).uuid());

    Job registered = world.registry.register(world.runner, new JobRequest("train", child, List.of("0"),
        OptionalInt.empty(), false), GPUS, MIDNIGHT);

    assertThat(registered.id()).isEqualTo(id);
    assertThat(world.registry.jobs()).hasSize(1);

    // A process of the same user that is not the job's is a job of its own.
    Job other = world.registry.register(world.runner, new JobRequest("train", ProcessHandle.current().pid(),
        List.of("0"), OptionalInt.empty(), false), GPUS, MIDNIGHT);
    assertThat(other.id()).isNotEqualTo(id);
    assertThat(world.registry.jobs()).hasSize(2);
  }
}
