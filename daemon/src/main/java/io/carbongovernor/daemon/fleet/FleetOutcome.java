package io.carbongovernor.daemon.fleet;

/** How one firing of a fleet job ended, as the audit table and the metrics name it. */
public enum FleetOutcome {
  OK("ok"),
  FAILED("failed"),
  /** The node that took the firing has no task of that name in its configuration. */
  NOT_CONFIGURED("not-configured");

  private final String word;

  FleetOutcome(String word) {
    this.word = word;
  }

  public String word() {
    return word;
  }
}
