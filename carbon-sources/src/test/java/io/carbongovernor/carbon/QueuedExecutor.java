package io.carbongovernor.carbon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** Holds tasks until the test runs them, so background refreshes happen when the test says. */
final class QueuedExecutor implements Executor {

  private final Deque<Runnable> tasks = new ArrayDeque<>();

  @Override
  public synchronized void execute(Runnable task) {
    tasks.add(task);
  }

  void runAll() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = tasks.pollFirst();
      }
      if (next == null) {
        return;
      }
      next.run();
    }
  }
}
