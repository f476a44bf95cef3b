package io.carbongovernor.daemon.fleet;

/** Told about each fleet job this node ran, and whether its fleet scheduler is up (metrics). */
public interface FleetRunListener {

  FleetRunListener NONE = new FleetRunListener() {
    @Override
    public void ran(String job, FleetOutcome outcome) {}

    @Override
    public void schedulerUp(boolean up) {}
  };

  void ran(String job, FleetOutcome outcome);

  void schedulerUp(boolean up);
}
