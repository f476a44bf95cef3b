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
      assertThat(workers).hasSize(2);

      // Back from the job, each worker waits for the next. A timed wait is a poll: it wakes the
      // thread (and a CPU) again and again while nothing is due for an hour.
      for (Thread t : workers) {
        assertThat(Threads.waitingState(t)).as(t.getName()).isEqualTo(Thread.State.WAITING);
      }
    }
  }
}
