package io.carbongovernor.daemon.history;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This machine's host name, as {@code hostname} prints it: the node that a node's own history
 * belongs to in a report by node. Read from the kernel, not resolved, so a broken DNS cannot
 * stall a report.
 */
public final class HostName {

  private static final Path KERNEL = Path.of("/proc/sys/kernel/hostname");

  private HostName() {}

  /** The host name; {@code localhost} where the kernel does not say. */
  public static String local() {
    try {
      String name = new String(Files.readAllBytes(KERNEL), StandardCharsets.UTF_8).strip();
      return name.isEmpty() ? "localhost" : name;
    } catch (IOException | SecurityException e) {
      return "localhost";
    }
  }
}
