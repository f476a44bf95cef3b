package io.carbongovernor.daemon.control;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The Quartz job that runs one control tick. {@link DisallowConcurrentExecution} holds per job
 * key, and there is one job key, so a slow tick delays the next instead of overlapping it.
 */
@DisallowConcurrentExecution
public final class TickJob implements Job {

  static final String TICK = "tick";

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    Runnable tick;
    try {
      tick = (Runnable) context.getScheduler().getContext().get(TICK);
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    // A tick handles its own failures; anything escaping is a bug that must not kill the trigger.
    try {
      tick.run();
    } catch (RuntimeException e) {
      throw new JobExecutionException(e, false);
    }
  }
}
