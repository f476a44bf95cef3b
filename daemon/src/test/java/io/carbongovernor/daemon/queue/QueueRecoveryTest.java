package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.GPUS;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static io.carbongovernor.daemon.queue.QueueWorld.hourly;
import static io.carbongovernor.daemon.queue.QueueWorld.knownAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.queue.launch.LaunchSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a restart (the queue closed and opened again on the same database) keeps and does. */
class QueueRecoveryTest {

  private static final List<CarbonSignal> CLEAN_AT_THREE =
      hourly(500, 500, 500, 100, 500, 500, 500, 500, 500, 500, 500, 500);

  @TempDir Path dir;
  private QueueWorld world;

  @BeforeEach
  void node() throws Exception {
    world = new QueueWorld(dir);
    world.queueConfig(QueueWorld.queueRules(Duration.ofMinutes(15), Duration.ofHours(24), 32, Duration.ofMinutes(15),
        Optional.empty()));
    world.open();
  }

  @AfterEach
  void stop() {
    world.close();
  }

  @Test
  void aRestartKeepsQueuedJobsAndTheirPlans() {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(10))), "/bin/true", "a b", "ü"));
    world.queue.check(knownAt(CLEAN_AT_THREE, MIDNIGHT), List.of(), GPUS);
    QueuedJob planned = world.job(job.id());
    assertThat(planned.plannedStart()).hasValue(MIDNIGHT.plus(Duration.ofHours(3)));

    world.reopen();

    assertThat(world.queue.list(world.runner)).containsExactly(planned);
    assertThat(planned.command()).containsExactly("/bin/true", "a b", "ü");
    assertThat(planned.environment()).containsEntry("PATH", "/usr/bin:/bin");
    assertThat(world.launcher.calls(job.id())).isZero();
  }

  @Test
  void aJobWhoseLatestStartPassedWhileTheDaemonWasDownStartsAtTheFirstCheck() throws Exception {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(3))), "/bin/true"));
    assertThat(job.latestStart()).isEqualTo(MIDNIGHT.plus(Duration.ofMinutes(105)));
    world.queue.close();

    world.clock.set(MIDNIGHT.plus(Duration.ofHours(5)));
    world.open();
    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.QUEUED);
    world.queue.check(knownAt(CLEAN_AT_THREE, world.clock.instant()), List.of(), GPUS);

    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.STARTED);
    assertThat(world.job(job.id()).startedAt()).hasValue(MIDNIGHT.plus(Duration.ofHours(5)));
    assertThat(world.job(job.id()).planBasis()).hasValue("latest-start");
    assertThat(world.launcher.awaitExit(job.id())).isZero();
  }

  /** A crash after "starting" was recorded and before the launcher ran: the restart starts it. */
  @Test
  void aStartingJobWithoutAMarkerIsStartedAtOpen() throws Exception {
    QueuedJob starting = recordedStarting();
    world.queue.close();

    world.open();

    assertThat(world.launcher.calls(starting.id())).isEqualTo(1);
    assertThat(world.launcher.awaitExit(starting.id())).isZero();
    QueuedJob job = world.job(starting.id());
    assertThat(job.state()).isEqualTo(QueueState.STARTED);
    assertThat(job.pid()).hasValue(world.launcher.pids.get(starting.id()));
    assertThat(Files.readString(world.work.resolve("job-id"))).isEqualTo(starting.registeredJob().orElseThrow());
  }

  /**
   * A crash after the launcher ran and before "started" was recorded: the restart records it as
   * started, finds its process by its job id, and does not start it again.
   */
  @Test
  void aStartingJobWithAMarkerIsNotStartedAgainAndItsProcessIsFound() throws Exception {
    QueuedJob starting = recordedStarting();
    world.launcher.launch(new LaunchSpec(starting.id(), starting.name(), starting.uid(),
        List.of("/bin/sh", "-c", "sleep 60"), world.work, Optional.empty(),
        Map.of("CARBON_GOVERNOR_JOB_ID", starting.registeredJob().orElseThrow(), "PATH", "/usr/bin:/bin")));
    long pid = world.launcher.pids.get(starting.id());
    world.queue.close();

    world.open();

    assertThat(world.launcher.calls(starting.id())).isEqualTo(1);
    QueuedJob job = world.job(starting.id());
    assertThat(job.state()).isEqualTo(QueueState.STARTED);
    assertThat(job.pid()).hasValue(pid);

    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.job(starting.id()).state()).isEqualTo(QueueState.STARTED);
    assertThat(world.registry.jobs()).singleElement()
        .satisfies(j -> assertThat(j.id()).isEqualTo(starting.registeredJob().orElseThrow()))
        .satisfies(j -> assertThat(j.pid()).isEqualTo(pid));

    ProcessHandle.of(pid).orElseThrow().destroy();
    world.launcher.awaitExit(starting.id());
    world.clock.set(MIDNIGHT.plus(Duration.ofMinutes(30)));
    world.queue.check(List.of(), List.of(), GPUS);
    QueuedJob ended = world.job(starting.id());
    assertThat(ended.state()).isEqualTo(QueueState.FINISHED);
    assertThat(ended.exitCode()).isEmpty(); // this daemon was not its parent
  }

  /**
   * A job API id no other process on the machine carries: a fixed one would be found in another
   * run of these tests at the same time.
   */
  private static String uniqueJobId() {
    return "j-" + java.util.HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(8)
        .putLong(java.util.concurrent.ThreadLocalRandom.current().nextLong()).array());
  }

  /** A queued job moved to starting as the queue records it, and nothing launched. */
  private QueuedJob recordedStarting() {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(10))), "/bin/sh", "-c",
        "printf '%s' \"$CARBON_GOVERNOR_JOB_ID\" > job-id"));
    QueuedJob starting = new QueuedJob(job.id(), job.name(), job.uid(), job.user(), job.team(), QueueState.STARTING,
        job.submittedAt(), job.deadline(), job.expected(), job.expectedLearned(), job.latestStart(), job.gpus(),
        job.workdir(), job.log(), job.command(), job.environment(), Optional.of(MIDNIGHT), Optional.of("none"),
        job.expectedChangePercent(), Optional.of(MIDNIGHT), List.of(), OptionalLong.empty(), Optional.empty(),
        Optional.of(uniqueJobId()), Optional.empty(), OptionalInt.empty(), Optional.empty());
    try (QueueStore store = QueueStore.open(world.database)) {
      assertThat(store.replace(QueueState.QUEUED, new StoredJob(starting))).isTrue();
    }
    return starting;
  }

  @Test
  void endedJobsStayListedForAWeek() throws Exception {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(10))), "/bin/true"));
    world.queue.cancel(world.runner, job.id());
    world.clock.set(MIDNIGHT.plus(Duration.ofDays(7)));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.queue.list(world.runner)).extracting(QueuedJob::id).containsExactly(job.id());
    world.clock.set(MIDNIGHT.plus(Duration.ofDays(7)).plusSeconds(1));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.queue.list(world.runner)).isEmpty();
    world.clock.set(MIDNIGHT);
    assertThat(world.queue.list(world.runner)).as("pruned from the table").isEmpty();
  }
}
