package io.carbongovernor.daemon.fleet;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * This node in the fleet's scheduler: its id (the history's node id) and the Quartz instance id
 * of this start, which is new at every start so that a restarted node is never taken for the
 * run that died.
 */
public record FleetNode(String node, String instance) {

  private static final Path MACHINE_ID = Path.of("/etc/machine-id");
  private static final Pattern MACHINE_ID_TEXT = Pattern.compile("[0-9a-f]{32}");

  public FleetNode {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(instance, "instance");
  }

  /** A new start of {@code node}. */
  public static FleetNode starting(String node) {
    return new FleetNode(node, node + "-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()));
  }

  /** The configured node id, else the machine's id, else its host name. */
  public static String id(Optional<String> configured) {
    if (configured.isPresent()) {
      return configured.get();
    }
    try {
      String machine = Files.readString(MACHINE_ID).trim();
      if (MACHINE_ID_TEXT.matcher(machine).matches()) {
        return machine;
      }
    } catch (IOException e) {
      // No machine id (a container): the host name below.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
