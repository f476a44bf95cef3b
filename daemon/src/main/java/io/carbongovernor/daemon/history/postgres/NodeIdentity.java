package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.history.HistoryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Who this node is in the fleet's history: its id (every row it sends carries it) and its host
 * name (named when two machines claim one id).
 */
public record NodeIdentity(String node, String hostname) {

  /** Where systemd keeps the machine's id, the default node id. */
  static final Path MACHINE_ID = Path.of("/etc/machine-id");

  private static final Path HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  /** A machine-id file larger than this is not one. */
  private static final long MAX_MACHINE_ID_BYTES = 1024;

  public NodeIdentity {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(hostname, "hostname");
  }

  /**
   * This machine's id in the fleet: the configured one, or else the contents of /etc/machine-id.
   *
   * @throws HistoryException when the machine has no usable id, saying to set history.node-id
   */
  public static String nodeId(Optional<String> configured) {
    return nodeId(configured, MACHINE_ID);
  }

  /**
   * The configured id, or else the trimmed contents of {@code machineIdFile}.
   *
   * @throws HistoryException when the machine has no usable id, saying to set history.node-id
   */
  static String nodeId(Optional<String> configured, Path machineIdFile) {
    if (configured.isPresent()) {
      return configured.get();
    }
    String id;
    try {
      if (Files.size(machineIdFile) > MAX_MACHINE_ID_BYTES) {
        throw noId(machineIdFile, "is larger than a machine id");
      }
      id = Files.readString(machineIdFile, StandardCharsets.UTF_8).trim();
    } catch (NoSuchFileException e) {
      throw noId(machineIdFile, "does not exist");
    } catch (IOException e) {
      throw noId(machineIdFile, "cannot be read: " + e.getMessage());
    }
    if (id.isEmpty()) {
      throw noId(machineIdFile, "is empty");
    }
    if (!HistoryConfig.NODE_ID.matcher(id).matches()) {
      throw noId(machineIdFile, "does not hold a machine id (1 to 64 letters, digits, '.', '_' or '-')");
    }
    return id;
  }

  private static HistoryException noId(Path file, String why) {
    return new HistoryException("a fleet history needs this node's id, and " + file + " " + why
        + "; set history.node-id in the configuration to a name unique in the fleet");
  }

  /** The kernel's host name; "unknown" where it cannot be read. */
  static String localHostname() {
    try {
      String name = Files.readString(HOSTNAME, StandardCharsets.UTF_8).trim();
      return name.isEmpty() ? "unknown" : name;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
