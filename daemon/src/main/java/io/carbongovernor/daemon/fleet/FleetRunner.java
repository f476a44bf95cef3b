package io.carbongovernor.daemon.fleet;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one firing on this node: claims it in the audit table, runs the node's task of that
 * name, records how it ended. A task's failure is logged and audited and never reaches Quartz,
 * so the schedule goes on.
 */
final class FleetRunner {

  private static final Logger log = LoggerFactory.getLogger("fleet");

  private final Map<String, FleetTask> tasks;
  private final FleetAudit audit;
  private final FleetNode node;
  private final FleetRunListener listener;
  private final Clock clock;

  FleetRunner(Map<String, FleetTask> tasks, FleetAudit audit, FleetNode node, FleetRunListener listener, Clock clock) {
    this.tasks = Map.copyOf(tasks);
    this.audit = audit;
    this.node = node;
    this.listener = listener;
    this.clock = clock;
  }

  /**
   * @throws SQLException when the firing cannot be claimed (the database is away): the job is not
   *     run, and Quartz is told it failed
   */
  void run(String job, Instant scheduled) throws SQLException {
    FleetAudit.Claim claim = audit.claim(job, scheduled, node, clock.instant());
    if (claim == FleetAudit.Claim.FINISHED) {
      log.atInfo().addKeyValue("job", job).addKeyValue("scheduled", scheduled)
          .log("fleet job already ran for this fire time; not run again");
      return;
    }
    if (claim == FleetAudit.Claim.TAKEN_OVER) {
      log.atWarn().addKeyValue("job", job).addKeyValue("scheduled", scheduled)
          .log("fleet job's node stopped while running it; running it here");
    }
    FleetTask task = tasks.get(job);
    FleetOutcome outcome;
    String detail;
    if (task == null) {
      outcome = FleetOutcome.NOT_CONFIGURED;
      detail = "not configured on node " + node.node();
      log.atWarn().addKeyValue("job", job).log("fleet job is not configured on this node; skipped");
    } else {
      try {
        detail = task.run(scheduled);
        outcome = FleetOutcome.OK;
        log.atInfo().addKeyValue("job", job).addKeyValue("scheduled", scheduled).addKeyValue("result", detail)
            .log("fleet job ran");
      } catch (Exception e) {
        outcome = FleetOutcome.FAILED;
        detail = String.valueOf(e.getMessage());
        log.atError().addKeyValue("job", job).addKeyValue("scheduled", scheduled).addKeyValue("error", detail)
            .setCause(e).log("fleet job failed");
      }
    }
    listener.ran(job, outcome);
    audit.finish(job, scheduled, node, clock.instant(), outcome, detail);
  }
}
