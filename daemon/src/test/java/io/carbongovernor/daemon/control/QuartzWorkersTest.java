package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quartz.SchedulerConfigException;

/** The schedule's worker threads: hand-over, waiting for a free worker, and shutdown. */
class QuartzWorkersTest {

  private final QuartzWorkers pool = new QuartzWorkers();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void stop() {
    release.countDown();
    pool.shutdown(true);
  }

  private void start(int threads) throws SchedulerConfigException {
    pool.setThreadCount(threads);
    pool.setInstanceName("test-schedule");
    pool.initialize();
  }

  private List<Thread> workers() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("test-schedule_Worker-"))
        .filter(Thread::isAlive)
        .toList();
  }

  /** A job that holds its worker until {@link #release}; {@code started} counts down once it runs. */
  private Runnable blocking(CountDownLatch started) {
    return () -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  @Test
  void runsAHandedOverJobOnANamedDaemonWorker() throws Exception {
    start(2);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();

    assertThat(pool.runInThread(() -> ranOn.complete(Thread.currentThread()))).isTrue();

    Thread t = ranOn.get(60, TimeUnit.SECONDS);
    assertThat(t.getName()).matches("test-schedule_Worker-[12]");
    assertThat(t.isDaemon()).isTrue();
    assertThat(pool.getPoolSize()).isEqualTo(2);
  }

  @Test
  void threadNamePrefixNamesTheWorkers() throws Exception {
    pool.setThreadNamePrefix("fleet-worker");
    start(1);
    CompletableFuture<String> name = new CompletableFuture<>();

    pool.runInThread(() -> name.complete(Thread.currentThread().getName()));

    assertThat(name.get(60, TimeUnit.SECONDS)).isEqualTo("fleet-worker-1");
  }

  @Test
  void idleWorkersWaitWithoutATimeout() throws Exception {
    start(2);

    assertThat(workers()).hasSize(2).allSatisfy(t -> assertThat(Threads.waitingState(t)).isEqualTo(Thread.State.WAITING));
  }

  @Test
  void aSchedulerWaitsWhileEveryWorkerIsBusyAndGoesOnWhenOneIsFree() throws Exception {
    start(1);
    CountDownLatch started = new CountDownLatch(1);
    pool.runInThread(blocking(started));
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

    AtomicReference<Integer> available = new AtomicReference<>();
    Thread scheduler = new Thread(() -> available.set(pool.blockForAvailableThreads()), "scheduler");
    scheduler.start();
    assertThat(Threads.waitingState(scheduler)).isEqualTo(Thread.State.WAITING);
    assertThat(available.get()).isNull();

    release.countDown();
    scheduler.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(available.get()).isEqualTo(1);
  }

  @Test
  void shutdownWaitsForTheRunningJobWhenAskedTo() throws Exception {
    start(2);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean jobEnded = new AtomicBoolean();
    AtomicBoolean endedBeforeShutdownReturned = new AtomicBoolean();
    pool.runInThread(() -> {
      blocking(started).run();
      jobEnded.set(true);
    });
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();

    Thread stopper = new Thread(() -> {
      pool.shutdown(true);
      endedBeforeShutdownReturned.set(jobEnded.get());
    }, "stopper");
    stopper.start();
    assertThat(Threads.waitingState(stopper)).isEqualTo(Thread.State.WAITING);
    assertThat(stopper.isAlive()).isTrue();

    release.countDown();
    stopper.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(stopper.isAlive()).isFalse();
    assertThat(endedBeforeShutdownReturned).isTrue();
    assertThat(workers()).isEmpty();
  }

  @Test
  void shutdownReleasesASchedulerWaitingForAWorkerAndRefusesNewJobs() throws Exception {
    start(1);
    CountDownLatch started = new CountDownLatch(1);
    pool.runInThread(blocking(started));
    assertThat(started.await(60, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Integer> available = new AtomicReference<>();
    Thread scheduler = new Thread(() -> available.set(pool.blockForAvailableThreads()), "scheduler");
    scheduler.start();
    Threads.waitingState(scheduler);

    pool.shutdown(false);

    scheduler.join(TimeUnit.SECONDS.toMillis(60));
    assertThat(available.get()).isZero();
    assertThat(pool.runInThread(() -> {})).isFalse();
  }

  @Test
  void aPoolWithoutThreadsIsAConfigurationError() {
    pool.setThreadCount(0);

    assertThatThrownBy(pool::initialize).isInstanceOf(SchedulerConfigException.class).hasMessageContaining("at least 1");
  }
}
