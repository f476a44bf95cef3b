package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.config.FleetConfig;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.HostName;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.history.postgres.FleetMaintenance;
import io.carbongovernor.daemon.history.postgres.NodeIdentity;
import java.time.Clock;
import java.util.Optional;

/** The daemon's fleet scheduler, when its configuration has a {@code fleet} section. */
public final class DaemonFleet {

  private DaemonFleet() {}

  /**
   * A fleet scheduler starting in the background (the daemon's start never waits on the fleet's
   * database), or empty for a SQLite history.
   */
  public static Optional<FleetScheduler> start(GovernorConfig config, FleetRunListener listener, Clock clock) {
    if (config.fleet().isEmpty()) {
      return Optional.empty();
    }
    FleetConfig fleet = config.fleet().get();
    HistoryConfig history = config.history();
    FleetScheduler scheduler = FleetScheduler.create(
        history.url(),
        history.login(),
        FleetNode.starting(NodeIdentity.nodeId(history.nodeId())),
        fleet.clusterCheckIn(),
        FleetJobs.of(fleet, rollup(history, clock), retention(history, clock),
            fleet.report().map(r -> new FleetReport(r,
                () -> RollupReader.openReadOnly(history.url(), history.login(), HostName.local())))),
        listener,
        clock);
    scheduler.startInBackground();
    return Optional.of(scheduler);
  }

  /**
   * The fleet's day rollup, as of the clock when it runs (a firing rerun after its node died sums
   * what is there by then).
   */
  private static FleetTask rollup(HistoryConfig history, Clock clock) {
    return scheduled -> {
      try (FleetMaintenance fleet = FleetMaintenance.open(history.url(), history.login())) {
        return fleet.rollUpDays(clock.instant()) + " day(s) summed";
      }
    };
  }

  /** The fleet database's retention, by the history's retention settings. */
  private static FleetTask retention(HistoryConfig history, Clock clock) {
    return scheduled -> {
      try (FleetMaintenance fleet = FleetMaintenance.open(history.url(), history.login())) {
        fleet.prune(clock.instant(), history.retention());
        return "pruned to the history's retention";
      }
    };
  }
}
