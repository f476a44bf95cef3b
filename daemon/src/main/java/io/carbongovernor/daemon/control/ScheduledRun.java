package io.carbongovernor.daemon.control;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.SchedulerException;

/**
 * The Quartz job that runs one of the daemon's periodic tasks (the control tick, the sampler).
 * {@link DisallowConcurrentExecution} holds per job key, and each task has one key, so a slow run
 * delays the next run of the same task instead of overlapping it.
 */
@DisallowConcurrentExecution
public final class ScheduledRun implements Job {

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    Runnable task;
    try {
      task = (Runnable) context.getScheduler().getContext().get(context.getJobDetail().getKey().getName());
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    // Tasks handle their own failures; anything escaping is a bug that must not kill the trigger.
    try {
      task.run();
    } catch (RuntimeException e) {
      throw new JobExecutionException(e, false);
    }
  }
}
