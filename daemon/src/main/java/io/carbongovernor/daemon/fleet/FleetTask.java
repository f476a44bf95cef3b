package io.carbongovernor.daemon.fleet;

import java.time.Instant;

/** The work of one fleet job, run for the fleet on one node at a time. */
@FunctionalInterface
public interface FleetTask {

  /**
   * Runs the firing scheduled for {@code scheduled}; throwing marks the firing failed (logged and
   * audited; the schedule goes on).
   *
   * @return a short account of what was done, for the audit table
   */
  String run(Instant scheduled) throws Exception;
}
