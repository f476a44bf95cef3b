package io.carbongovernor.daemon.fleet;

import java.util.Objects;
import java.util.regex.Pattern;

/** A fleet-wide job: its name (the audit's and the metrics' label), when it fires, what it does. */
public record FleetJob(String name, FleetSchedule schedule, FleetTask task) {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

  public static final String ROLLUP = "fleet-rollup";
  public static final String RETENTION = "fleet-retention";
  public static final String REPORT = "fleet-report";

  public FleetJob {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(task, "task");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("a fleet job name is lower-case letters, digits and '-', got " + name);
    }
  }
}
