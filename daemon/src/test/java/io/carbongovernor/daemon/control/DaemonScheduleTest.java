package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The schedule's threads while nothing is due: each waits to be woken, none polls. */
class DaemonScheduleTest {

  @Test
  void idleWorkersWaitWithoutATimeout() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<String> worker = new AtomicReference<>();
    try (DaemonSchedule schedule =
        DaemonSchedule.create(Duration.ofSeconds(5))
            .every("once", Duration.ofHours(1), () -> {
              worker.set(Thread.currentThread().getName());
              ran.countDown();
            })) {
      schedule.start();
      assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
      String pool = worker.get().substring(0, worker.get().lastIndexOf('-') + 1);
      List<Thread> workers =
          Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(pool)).toList();
      assertThat(workers).hasSize(DaemonSchedule.WORKERS);

      // Back from the job, each worker waits for the next. A timed wait is a poll: it wakes the
      // thread (and a CPU) again and again while nothing is due for an hour.
      for (Thread t : workers) {
        assertThat(Threads.waitingState(t)).as(t.getName()).isEqualTo(Thread.State.WAITING);
      }
    }
  }

  @Test
  void theFirstRunHappensAtStartHoweverLongAfterTheTaskWasAdded() throws Exception {
    // A daemon adds its tasks, then opens history and binds its API: on a loaded machine that
    // takes seconds, far past a one-second misfire threshold. The first tick must still run at
    // start, not an interval later.
    CountDownLatch ran = new CountDownLatch(1);
    try (DaemonSchedule schedule =
        DaemonSchedule.create(Duration.ofMillis(1)).every("tick", Duration.ofHours(1), ran::countDown)) {
      long added = System.currentTimeMillis();
      while (System.currentTimeMillis() < added + 20) {
        Thread.onSpinWait(); // the wall clock Quartz reads must pass the threshold: no sleep to trust
      }
      schedule.start();
      assertThat(ran.await(60, TimeUnit.SECONDS)).as("the first run, within a minute of an hourly schedule's start").isTrue();
    }
  }
}
