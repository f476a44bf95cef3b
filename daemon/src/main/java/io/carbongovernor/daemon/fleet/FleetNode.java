package io.carbongovernor.daemon.fleet;

import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * This node in the fleet's scheduler: its id (the history's node id) and the Quartz instance id
 * of this start, which is new at every start so that a restarted node is never taken for the
 * run that died.
 */
public record FleetNode(String node, String instance) {

  public FleetNode {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(instance, "instance");
  }

  /** A new start of {@code node}. */
  public static FleetNode starting(String node) {
    return new FleetNode(node, node + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
  }
}
