package io.carbongovernor.daemon.control;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** What another thread is doing, for tests that check how a thread waits. */
final class Threads {

  private Threads() {}

  /**
   * The state {@code t} reaches once it waits ({@link Thread.State#WAITING} or {@link
   * Thread.State#TIMED_WAITING}); AssertionError if it does not within a minute.
   */
  static Thread.State waitingState(Thread t) {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (System.nanoTime() < deadline) {
      Thread.State state = t.getState();
      if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING) {
        return state;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    throw new AssertionError(t.getName() + " never waited; it is " + t.getState());
  }
}
