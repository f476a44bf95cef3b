package io.carbongovernor.daemon.control;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * The daemon's periodic tasks on one Quartz scheduler: an in-memory job store (the schedule is
 * rebuilt from config at every start), one job per task so runs of a task never overlap, and
 * missed runs skipped rather than fired in a burst after a pause.
 */
public final class DaemonSchedule implements AutoCloseable {

  private static final String GROUP = "carbon-governor";
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Scheduler scheduler;

  private DaemonSchedule(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * A schedule, not yet started.
   *
   * @param misfireThreshold a run later than this counts as missed and is skipped
   */
  public static DaemonSchedule create(Duration misfireThreshold) {
    Properties props = new Properties();
    // Quartz keeps schedulers in a JVM-wide registry by name; tests run several daemons.
    props.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "carbon-governor-" + INSTANCES.incrementAndGet());
    props.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
    // One thread per task: the sampler keeps sampling while a tick waits on a slow GPU. Idle
    // workers wait without waking up (Quartz's own pool looks for work twice a second).
    props.setProperty(StdSchedulerFactory.PROP_THREAD_POOL_CLASS, QuartzWorkers.class.getName());
    props.setProperty("org.quartz.threadPool.threadCount", "2");
    props.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
    props.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(misfireThreshold.toMillis()));
    try {
      return new DaemonSchedule(new StdSchedulerFactory(props).getScheduler());
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot set up the schedule: " + e.getMessage(), e);
    }
  }

  /** Runs {@code task} every {@code interval}, the first run as soon as the schedule starts. */
  public DaemonSchedule every(String name, Duration interval, Runnable task) {
    try {
      scheduler.getContext().put(name, task);
      JobDetail job = JobBuilder.newJob(ScheduledRun.class).withIdentity(name, GROUP).storeDurably().build();
      Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity(name + "-every-" + interval.toMillis() + "ms", GROUP)
              .forJob(job)
              .startNow()
              .withSchedule(
                  SimpleScheduleBuilder.simpleSchedule()
                      .withIntervalInMilliseconds(interval.toMillis())
                      .repeatForever()
                      .withMisfireHandlingInstructionNextWithRemainingCount())
              .build();
      scheduler.scheduleJob(job, Set.of(trigger), true);
      return this;
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot schedule " + name + ": " + e.getMessage(), e);
    }
  }

  public void start() {
    try {
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the schedule: " + e.getMessage(), e);
    }
  }

  /** Asks for one run of a task now, besides its schedule; it waits for a running one to end. */
  public void triggerNow(String name) {
    try {
      scheduler.triggerJob(JobKey.jobKey(name, GROUP));
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot trigger " + name + ": " + e.getMessage(), e);
    }
  }

  /** Stops scheduling and waits for running tasks, so nothing sets a limit after this returns. */
  @Override
  public void close() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot stop the schedule: " + e.getMessage(), e);
    }
  }
}
