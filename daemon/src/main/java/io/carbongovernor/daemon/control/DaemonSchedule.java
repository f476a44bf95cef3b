package io.carbongovernor.daemon.control;

import java.time.Duration;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
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
  /** One worker per task the daemon schedules: the tick, the sampler and the queue's check. */
  static final int WORKERS = 3;

  private final Scheduler scheduler;
  /** Each task's interval, by name, in the order added. */
  private final Map<String, Duration> tasks = new LinkedHashMap<>();

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
    props.setProperty("org.quartz.threadPool.threadCount", Integer.toString(WORKERS));
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
      scheduler.addJob(job, true);
      tasks.put(name, interval);
      return this;
    } catch (SchedulerException e) {
      throw new IllegalStateException("cannot schedule " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts every task: its first run at once, then one every interval from now. The first run is
   * a trigger of its own, which Quartz fires even late: a repeating trigger that started when the
   * task was added, before a slow start (history opened, the API bound, a loaded machine), would
   * count its first run as missed past the threshold and skip it for a whole interval.
   */
  public void start() {
    try {
      scheduler.start();
      long now = System.currentTimeMillis();
      for (Map.Entry<String, Duration> t : tasks.entrySet()) {
        long every = t.getValue().toMillis();
        Trigger trigger =
            TriggerBuilder.newTrigger()
                .withIdentity(t.getKey() + "-every-" + every + "ms", GROUP)
                .forJob(t.getKey(), GROUP)
                .startAt(new Date(now + every))
                .withSchedule(
                    SimpleScheduleBuilder.simpleSchedule()
                        .withIntervalInMilliseconds(every)
                        .repeatForever()
                        .withMisfireHandlingInstructionNextWithRemainingCount())
                .build();
        scheduler.scheduleJob(trigger);
        scheduler.triggerJob(JobKey.jobKey(t.getKey(), GROUP));
      }
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
