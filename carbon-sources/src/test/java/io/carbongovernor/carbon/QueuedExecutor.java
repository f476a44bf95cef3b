package io.carbongovernor.carbon;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/**
 * Runs tasks on the caller's thread, or, while {@link #hold} is on, keeps them until the test
 * runs them: background refreshes then happen exactly when the test says.
 */
final class QueuedExecutor implements Executor {

  private final Deque<Runnable> tasks = new ArrayDeque<>();
  private volatile boolean hold;

  @Override
  public void execute(Runnable task) {
    if (!hold) {
      task.run();
      return;
    }
    synchronized (this) {
      tasks.add(task);
    }
  }

  void hold(boolean on) {
    hold = on;
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
