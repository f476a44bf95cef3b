package io.carbongovernor.daemon.fleet;

import io.carbongovernor.daemon.config.FleetConfig;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.RollupReader;
import java.time.Clock;
import java.util.Optional;

/** The daemon's fleet scheduler, when its configuration has a {@code fleet} section. */
public final class DaemonFleet {

  private DaemonFleet() {}

  /**
   * A fleet scheduler starting in the background (the daemon's start never waits on the fleet's
   * database), or empty without a {@code fleet} section.
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
        FleetNode.starting(FleetNode.id(history.nodeId())),
        fleet.clusterCheckIn(),
        FleetJobs.of(fleet, rollup(), retention(),
            fleet.report().map(r -> new FleetReport(r, () -> RollupReader.openReadOnly(history.url())))),
        listener,
        clock);
    scheduler.startInBackground();
    return Optional.of(scheduler);
  }

  /** The fleet's day rollup: the PostgreSQL history's fleet maintenance, once it is in this build. */
  private static FleetTask rollup() {
    return scheduled -> {
      throw new UnsupportedOperationException("the fleet's day rollup is not in this build");
    };
  }

  /** The fleet database's retention: the PostgreSQL history's fleet maintenance, once it is in this build. */
  private static FleetTask retention() {
    return scheduled -> {
      throw new UnsupportedOperationException("the fleet database's retention is not in this build");
    };
  }
}
