package io.carbongovernor.daemon.control;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.quartz.SchedulerConfigException;
import org.quartz.spi.ThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's worker threads for the daemon's schedules ({@code org.quartz.threadPool.class}): a
 * fixed set of daemon threads that, while idle, wait for a job without a timeout. Quartz's own
 * {@code SimpleThreadPool} has each idle worker wake every 500 ms to look for work; at a
 * five-minute interval that was most of what the workers did, on a server whose CPUs belong to
 * its users. Jobs handed over before a shutdown still run, and {@link #shutdown(boolean)} can
 * wait for them, so nothing the schedule started runs after its close.
 */
public final class QuartzWorkers implements ThreadPool {

  private static final Logger log = LoggerFactory.getLogger("control");

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled once per job handed over, and to all at shutdown: wakes one idle worker. */
  private final Condition jobHandedOver = lock.newCondition();
  /** Signalled when a worker becomes idle, and at shutdown: wakes the scheduler's thread. */
  private final Condition workerIdle = lock.newCondition();
  private final Queue<Runnable> handedOver = new ArrayDeque<>();
  private final List<Thread> workers = new ArrayList<>();

  private int threadCount = 1;
  private String threadNamePrefix;
  private String instanceName = "quartz";
  /** Workers waiting for a job, less the jobs handed over that none has taken yet. */
  private int idle;
  private boolean shutdown;

  /** Quartz creates the pool by its class name and sets {@code threadCount} as a property. */
  public QuartzWorkers() {}

  public void setThreadCount(int threadCount) {
    this.threadCount = threadCount;
  }

  /** Names the workers {@code <prefix>-<n>}; without it, {@code <scheduler name>_Worker-<n>}. */
  public void setThreadNamePrefix(String threadNamePrefix) {
    this.threadNamePrefix = threadNamePrefix;
  }

  @Override
  public void setInstanceId(String schedInstId) {
    // workers are named after the scheduler's name, not its instance id
  }

  @Override
  public void setInstanceName(String schedName) {
    this.instanceName = schedName;
  }

  @Override
  public int getPoolSize() {
    return threadCount;
  }

  @Override
  public void initialize() throws SchedulerConfigException {
    if (threadCount < 1) {
      throw new SchedulerConfigException("threadCount must be at least 1, got " + threadCount);
    }
    String prefix = threadNamePrefix != null ? threadNamePrefix + "-" : instanceName + "_Worker-";
    lock.lock();
    try {
      for (int i = 1; i <= threadCount; i++) {
        Thread t = new Thread(this::work, prefix + i);
        t.setDaemon(true);
        workers.add(t);
      }
    } finally {
      lock.unlock();
    }
    workers.forEach(Thread::start);
  }

  /**
   * Hands {@code job} to an idle worker, waiting for one to become idle.
   *
   * @return false once the pool is shut down; the job is not run then
   */
  @Override
  public boolean runInThread(Runnable job) {
    lock.lock();
    try {
      while (idle == 0 && !shutdown) {
        workerIdle.awaitUninterruptibly();
      }
      if (shutdown) {
        return false;
      }
      idle--;
      handedOver.add(job);
      jobHandedOver.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Waits until a worker is idle (or the pool shuts down: then 0); how many are. */
  @Override
  public int blockForAvailableThreads() {
    lock.lock();
    try {
      while (idle == 0 && !shutdown) {
        workerIdle.awaitUninterruptibly();
      }
      return shutdown ? 0 : idle;
    } finally {
      lock.unlock();
    }
  }

  /** Stops the workers once the jobs handed over have run; with {@code wait}, waits for that. */
  @Override
  public void shutdown(boolean waitForJobsToComplete) {
    lock.lock();
    try {
      shutdown = true;
      jobHandedOver.signalAll();
      workerIdle.signalAll();
    } finally {
      lock.unlock();
    }
    if (waitForJobsToComplete) {
      boolean interrupted = false;
      for (Thread t : workers) {
        while (t != Thread.currentThread() && t.isAlive()) {
          try {
            t.join();
          } catch (InterruptedException e) {
            interrupted = true; // the wait is the caller's guarantee; the interrupt is kept for after it
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void work() {
    while (true) {
      Runnable job;
      lock.lock();
      try {
        idle++;
        workerIdle.signalAll();
        while (handedOver.isEmpty() && !shutdown) {
          jobHandedOver.awaitUninterruptibly();
        }
        job = handedOver.poll();
        if (job == null) {
          idle--;
          return;
        }
      } finally {
        lock.unlock();
      }
      try {
        job.run();
      } catch (RuntimeException | Error e) {
        // Quartz's JobRunShell handles a job's own failures; this is one in Quartz itself.
        log.atError().setCause(e).log("scheduled job failed outside its handler");
      }
    }
  }
}
