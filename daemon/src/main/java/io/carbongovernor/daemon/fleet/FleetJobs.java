package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.config.FleetConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The fleet jobs a {@code fleet} section configures, with the tasks that do their work. */
public final class FleetJobs {

  private FleetJobs() {}

  /**
   * @param rollup brings the fleet's day rollups up to date
   * @param retention deletes what the history's retention no longer keeps
   * @param report the scheduled report, present when the section configures one
   */
  public static List<FleetJob> of(FleetConfig config, FleetTask rollup, FleetTask retention, Optional<FleetTask> report) {
    List<FleetJob> jobs = new ArrayList<>();
    jobs.add(new FleetJob(FleetJob.ROLLUP, new FleetSchedule.Every(config.rollupEvery()), rollup));
    jobs.add(new FleetJob(FleetJob.RETENTION, new FleetSchedule.Every(config.retentionEvery()), retention));
    config.report().ifPresent(r -> report.ifPresent(task ->
        jobs.add(new FleetJob(FleetJob.REPORT, new FleetSchedule.Cron(r.cron()), task))));
    return List.copyOf(jobs);
  }
}
