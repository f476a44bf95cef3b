package io.carbongovernor.daemon.queue;

import static io.carbongovernor.daemon.queue.QueueWorld.GPUS;
import static io.carbongovernor.daemon.queue.QueueWorld.MIDNIGHT;
import static io.carbongovernor.daemon.queue.QueueWorld.hourly;
import static io.carbongovernor.daemon.queue.QueueWorld.knownAt;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.daemon.testing.ChildProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When queued jobs start, on a clock the test moves and traces with known clean hours. */
class QueueStartTest {

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

  /** Dirty all day but for 03:00-04:00. */
  private static final List<CarbonSignal> CLEAN_AT_THREE =
      hourly(500, 500, 500, 100, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500,
          500, 500, 500);

  /** An idle queue is checked every minute: it must not read days of history each time for nothing. */
  @Test
  void theHistoryIsReadOnlyWhereAQueuedJobIsPlannedAndOncePerCheck() {
    AtomicInteger reads = new AtomicInteger();
    Supplier<List<CarbonSignal>> history = () -> {
      reads.incrementAndGet();
      return List.of();
    };
    world.queue.check(knownAt(CLEAN_AT_THREE, MIDNIGHT), history, GPUS, gpu -> 0);
    assertThat(reads).hasValue(0);

    for (String name : List.of("train", "eval")) {
      world.queue.submit(world.runner, world.request(name, Optional.of(Duration.ofHours(1)),
          Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), "/bin/true"));
    }
    world.queue.check(knownAt(CLEAN_AT_THREE, MIDNIGHT), history, GPUS, gpu -> 0);
    assertThat(reads).hasValue(1);
    assertThat(world.queue.list(world.runner)).extracting(QueuedJob::state).containsOnly(QueueState.QUEUED);
  }

  @Test
  void aJobStartsAtTheCleanWindowNotBeforeAndAsItsSubmitter() throws Exception {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), "/bin/sh", "-c",
        "id -u > uid; printf '%s' \"$CARBON_GOVERNOR_JOB_ID\" > job-id; printf '%s' \"$USER:$HOME:$SHELL\" > who"));

    for (Instant t = MIDNIGHT; t.isBefore(MIDNIGHT.plus(Duration.ofHours(3))); t = t.plus(Duration.ofMinutes(15))) {
      world.clock.set(t);
      world.queue.check(knownAt(CLEAN_AT_THREE, t), List.of(), GPUS);
      assertThat(world.job(job.id()).state()).as("at %s", t).isEqualTo(QueueState.QUEUED);
      assertThat(world.launcher.calls(job.id())).isZero();
    }
    assertThat(world.job(job.id()).plannedStart()).hasValue(MIDNIGHT.plus(Duration.ofHours(3)));
    assertThat(world.job(job.id()).planBasis()).hasValue("forecast");

    Instant three = MIDNIGHT.plus(Duration.ofHours(3));
    world.clock.set(three);
    world.queue.check(knownAt(CLEAN_AT_THREE, three), List.of(), GPUS);
    QueuedJob started = world.job(job.id());
    assertThat(started.state()).isEqualTo(QueueState.STARTED);
    assertThat(started.startedAt()).hasValue(three);
    assertThat(started.pid()).hasValue(world.launcher.pids.get(job.id()));
    assertThat(world.launcher.awaitExit(job.id())).isZero();
    assertThat(Files.readString(world.work.resolve("uid")).trim()).isEqualTo(Long.toString(world.runner));
    assertThat(Files.readString(world.work.resolve("job-id"))).isEqualTo(started.registeredJob().orElseThrow());
    assertThat(Files.readString(world.work.resolve("who"))).isEqualTo("runner:/home/runner:/bin/bash");

    Instant later = three.plus(Duration.ofMinutes(15));
    world.clock.set(later);
    world.queue.check(knownAt(CLEAN_AT_THREE, later), List.of(), GPUS);
    QueuedJob finished = world.job(job.id());
    assertThat(finished.state()).isEqualTo(QueueState.FINISHED);
    assertThat(finished.exitCode()).hasValue(0);
    assertThat(finished.endedAt()).hasValue(later);
    assertThat(world.launcher.calls(job.id())).isEqualTo(1);
  }

  /** The launcher could not learn how the process ended: finished, its status unknown. */
  @Test
  void aJobWhoseExitStatusCannotBeLearnedStillFinishes() throws Exception {
    world.queue.close();
    java.util.concurrent.atomic.AtomicReference<java.util.concurrent.CompletableFuture<Integer>> failing =
        new java.util.concurrent.atomic.AtomicReference<>();
    io.carbongovernor.daemon.queue.launch.JobLauncher unknownStatus = new io.carbongovernor.daemon.queue.launch.JobLauncher() {
      @Override
      public io.carbongovernor.daemon.queue.launch.Launched launch(io.carbongovernor.daemon.queue.launch.LaunchSpec spec)
          throws io.carbongovernor.daemon.queue.launch.LaunchException {
        io.carbongovernor.daemon.queue.launch.Launched real = world.launcher.launch(spec);
        failing.set(real.exit().orElseThrow().thenApply(status -> {
          throw new IllegalStateException("no status for the process");
        }));
        return new io.carbongovernor.daemon.queue.launch.Launched(real.pid(), real.unit(), Optional.of(failing.get()));
      }

      @Override
      public boolean wasLaunched(String jobId) {
        return world.launcher.wasLaunched(jobId);
      }

      @Override
      public String kind() {
        return world.launcher.kind();
      }
    };
    world.queue = JobQueue.open(world.config::get, world.database, unknownStatus, world.registry, world.accounts,
        world.clock);
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), "/bin/true"));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(failing.get()).failsWithin(Duration.ofSeconds(ChildProcesses.WAIT_SECONDS));
    world.clock.set(MIDNIGHT.plus(Duration.ofMinutes(15)));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.FINISHED);
    assertThat(world.job(job.id()).exitCode()).isEmpty();
  }

  @Test
  void withNoForecastAndNoHistoryAJobStartsAtOnce() throws Exception {
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), "/bin/true"));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.STARTED);
    assertThat(world.job(job.id()).planBasis()).hasValue("none");
    assertThat(world.launcher.awaitExit(job.id())).isZero();
  }

  @Test
  void theGpusComeFromTheRequestAndTheLeastBusyAreChosen() throws Exception {
    QueuedJob two = world.queue.submit(world.runner, new SubmitRequest("two", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)), new GpuRequest.Count(1),
        world.work, Optional.empty(), List.of("/bin/sh", "-c", "printf '%s' \"$CUDA_VISIBLE_DEVICES\" > cuda-count"),
        java.util.Map.of()));
    QueuedJob named = world.queue.submit(world.runner, new SubmitRequest("named", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)),
        new GpuRequest.Named(List.of("1", "gpu-00000000-0000-4000-8000-000000000000")), world.work, Optional.empty(),
        List.of("/bin/sh", "-c", "printf '%s' \"$CUDA_VISIBLE_DEVICES\" > cuda-named"), java.util.Map.of()));
    QueuedJob unknown = world.queue.submit(world.runner, new SubmitRequest("unknown", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)),
        new GpuRequest.Named(List.of("7")), world.work, Optional.empty(), List.of("/bin/true"), java.util.Map.of()));
    QueuedJob many = world.queue.submit(world.runner, new SubmitRequest("many", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)), new GpuRequest.Count(3),
        world.work, Optional.empty(), List.of("/bin/true"), java.util.Map.of()));

    // GPU 0 runs two processes, GPU 1 one.
    world.queue.check(List.of(), List.of(), GPUS, g -> g.index() == 0 ? 2 : 1);

    assertThat(world.launcher.awaitExit(two.id())).isZero();
    assertThat(world.launcher.awaitExit(named.id())).isZero();
    assertThat(Files.readString(world.work.resolve("cuda-count"))).isEqualTo(GPUS.get(1).uuid());
    assertThat(world.job(two.id()).gpusGiven()).containsExactly(GPUS.get(1).uuid());
    assertThat(Files.readString(world.work.resolve("cuda-named")))
        .isEqualTo(GPUS.get(1).uuid() + "," + GPUS.get(0).uuid());
    assertThat(world.job(unknown.id()).state()).isEqualTo(QueueState.FAILED);
    assertThat(world.job(unknown.id()).reason()).hasValueSatisfying(r -> assertThat(r).contains("no GPU '7'"));
    assertThat(world.job(many.id()).state()).isEqualTo(QueueState.FAILED);
    assertThat(world.job(many.id()).reason()).hasValueSatisfying(r -> assertThat(r).contains("3 GPUs", "has 2"));
    assertThat(world.launcher.calls(unknown.id()) + world.launcher.calls(many.id())).isZero();
  }

  @Test
  void aLaunchThatFailsFailsTheJobWithTheReason() {
    QueuedJob job = world.queue.submit(world.runner, new SubmitRequest("train", Optional.empty(),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(12))), Optional.of(Duration.ofHours(1)), new GpuRequest.None(),
        dir.resolve("no-such-folder"), Optional.empty(), List.of("/bin/true"), java.util.Map.of()));
    world.queue.check(List.of(), List.of(), GPUS);
    assertThat(world.job(job.id()).state()).isEqualTo(QueueState.FAILED);
    assertThat(world.job(job.id()).reason()).hasValueSatisfying(r -> assertThat(r).startsWith("could not be started"));
    assertThat(world.job(job.id()).endedAt()).hasValue(MIDNIGHT);
  }

  /**
   * Over random traces, deadlines, run lengths and check intervals: a job starts once, at a
   * check, never before its submission nor after its latest start.
   */
  @Test
  void aJobNeverStartsAfterItsLatestStartNorTwice() throws Exception {
    Random random = new Random(20261207);
    for (int trial = 0; trial < 40; trial++) {
      double[] trace = new double[72];
      for (int h = 0; h < trace.length; h++) {
        trace[h] = 50 + random.nextInt(600);
      }
      List<CarbonSignal> signals = hourly(trace);
      Duration every = Duration.ofMinutes(1 + random.nextInt(30));
      Duration expected = Duration.ofMinutes(10 + random.nextInt(240));
      Duration margin = Duration.ofMinutes(random.nextInt(30));
      Duration maxDeferral = Duration.ofHours(1 + random.nextInt(30));
      world.queueConfig(QueueWorld.queueRules(margin, maxDeferral, 32, every, Optional.empty()));
      Instant submitted = MIDNIGHT.plus(Duration.ofMinutes(random.nextInt(600)));
      Instant deadline = submitted.plus(expected).plus(margin).plus(Duration.ofMinutes(random.nextInt(24 * 60)));
      boolean forecast = random.nextBoolean();
      world.clock.set(submitted);
      QueuedJob job = world.queue.submit(world.runner, world.request("trial" + trial, Optional.of(expected),
          Optional.of(deadline), "/bin/true"));
      assertThat(job.latestStart()).isBeforeOrEqualTo(submitted.plus(maxDeferral));
      Instant startedAt = null;
      for (Instant t = submitted; startedAt == null; t = t.plus(every)) {
        world.clock.set(t);
        Instant now = t;
        world.queue.check(forecast ? knownAt(signals, now) : List.of(),
            forecast ? List.of() : signals.stream().filter(s -> !s.end().isAfter(now)).toList(), GPUS);
        if (world.job(job.id()).state() != QueueState.QUEUED) {
          startedAt = t;
        }
        assertThat(t).as("trial %d", trial).isBeforeOrEqualTo(job.latestStart().plus(every));
      }
      assertThat(startedAt).as("trial %d", trial).isBetween(submitted, job.latestStart());
      assertThat(world.job(job.id()).startedAt()).hasValue(startedAt);
      assertThat(world.launcher.awaitExit(job.id())).isZero();
      world.clock.set(startedAt.plus(every));
      world.queue.check(List.of(), List.of(), GPUS);
      assertThat(world.launcher.calls(job.id())).isEqualTo(1);
      assertThat(world.job(job.id()).state()).isEqualTo(QueueState.FINISHED);
    }
  }

  @Test
  void theLatestStartIsHeldWithinTheMaximumDeferral() {
    world.queueConfig(QueueWorld.queueRules(Duration.ofMinutes(15), Duration.ofHours(4), 32, Duration.ofMinutes(15),
        Optional.empty()));
    QueuedJob job = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(20))), "/bin/true"));
    assertThat(job.latestStart()).isEqualTo(MIDNIGHT.plus(Duration.ofHours(4)));
    world.teams(world.team("vision", new io.carbongovernor.daemon.config.TeamQueueRules(Optional.empty(),
        Optional.of(Duration.ofHours(2)), Optional.empty())), world.team("nlp",
        io.carbongovernor.daemon.config.TeamQueueRules.NONE));
    QueuedJob team = world.queue.submit(world.runner, world.request("train", Optional.of(Duration.ofHours(1)),
        Optional.of(MIDNIGHT.plus(Duration.ofHours(20))), "/bin/true"));
    assertThat(team.latestStart()).isEqualTo(MIDNIGHT.plus(Duration.ofHours(2)));
    // The cheap hour lies after the latest start: it starts by its latest start instead.
    for (Instant t = MIDNIGHT; world.job(team.id()).state() == QueueState.QUEUED; t = t.plus(Duration.ofMinutes(15))) {
      world.clock.set(t);
      world.queue.check(knownAt(CLEAN_AT_THREE, t), List.of(), GPUS);
    }
    assertThat(world.job(team.id()).startedAt().orElseThrow()).isBeforeOrEqualTo(MIDNIGHT.plus(Duration.ofHours(2)));
  }
}
