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
 * Runs the control tick every interval on Quartz: an in-memory job store (the schedule is rebuilt
 * from config at every start), one job so ticks never overlap, and missed ticks skipped rather
 * than fired in a burst after a pause.
 */
public final class TickScheduler implements AutoCloseable {

  private static final JobKey TICK_JOB = JobKey.jobKey("control-tick", "carbon-governor");

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final Scheduler scheduler;

  private TickScheduler(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Schedules {@code tick} every {@code interval}, the first run at once; not yet started. */
  public static TickScheduler create(Runnable tick, Duration interval) {
    Properties props = new Properties();
    // Quartz keeps schedulers in a JVM-wide registry by name; tests run several daemons.
    props.setProperty(
        StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME,
        "carbon-governor-" + INSTANCES.incrementAndGet());
    props.setProperty(StdSchedulerFactory.PROP_SCHED_MAKE_SCHEDULER_THREAD_DAEMON, "true");
    props.setProperty("org.quartz.threadPool.threadCount", "1");
    props.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
    props.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
    // A tick later than one interval counts as missed and is skipped (see the trigger below).
    props.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(interval.toMillis()));
    try {
      Scheduler scheduler = new StdSchedulerFactory(props).getScheduler();
      scheduler.getContext().put(TickJob.TICK, tick);
      JobDetail job = JobBuilder.newJob(TickJob.class).withIdentity(TICK_JOB).storeDurably().build();
      Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity("control-tick-every-interval", "carbon-governor")
              .forJob(job)
              .startNow()
              .withSchedule(
                  SimpleScheduleBuilder.simpleSchedule()
                      .withIntervalInMilliseconds(interval.toMillis())
                      .repeatForever()
                      .withMisfireHandlingInstructionNextWithRemainingCount())
              .build();
      scheduler.scheduleJob(job, Set.of(trigger), true);
      return new TickScheduler(scheduler);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot set up the control schedule: " + e.getMessage(), e);
    }
  }

  public void start() {
    try {
      scheduler.start();
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot start the control schedule: " + e.getMessage(), e);
    }
  }

  /** Asks for one tick now, in addition to the schedule; it waits for a running tick to end. */
  public void triggerNow() {
    try {
      scheduler.triggerJob(TICK_JOB);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot trigger a tick: " + e.getMessage(), e);
    }
  }

  /** Stops scheduling and waits for a running tick to finish, so nothing sets a limit after. */
  @Override
  public void close() {
    try {
      scheduler.shutdown(true);
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot stop the control schedule: " + e.getMessage(), e);
    }
  }
}
