package io.carbongovernor.daemon.fleet;

import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * The Quartz job of every fleet job: it hands the firing to this node's {@link FleetRunner}.
 * {@link DisallowConcurrentExecution} holds across the cluster (the job store blocks the job's
 * triggers while one node runs it).
 */
@DisallowConcurrentExecution
public final class FleetRun implements Job {

  static final String RUNNER = "fleet-runner";

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    FleetRunner runner;
    try {
      runner = (FleetRunner) context.getScheduler().getContext().get(RUNNER);
    } catch (SchedulerException e) {
      throw new JobExecutionException(e);
    }
    try {
      runner.run(context.getJobDetail().getKey().getName(), scheduledFireTime(context));
    } catch (Exception e) {
      throw new JobExecutionException(e, false);
    }
  }

  /**
   * The fire time the firing was scheduled for; a firing rerun after its node died keeps the one
   * it had (Quartz gives the rerun a trigger of its own).
   */
  static Instant scheduledFireTime(JobExecutionContext context) {
    if (context.isRecovering()) {
      String original =
          context.getMergedJobDataMap().getString(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
      if (original != null) {
        return Instant.ofEpochMilli(Long.parseLong(original));
      }
    }
    return context.getScheduledFireTime().toInstant();
  }
}
