package io.carbongovernor.daemon.systemd;

import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each notification as one datagram from a fresh socket, as libsystemd does: nothing to keep
 * open, nothing shared between the threads that notify. The kernel attaches this process's
 * credentials, which {@code NotifyAccess=main} checks.
 */
final class DatagramNotifier implements SystemdNotifier {

  private static final Logger log = LoggerFactory.getLogger("systemd");

  private final NotifyAddress address;
  private final Libc libc;
  /** Logs the first failure of a run of failures, not one line per watchdog ping. */
  private boolean failing;

  DatagramNotifier(NotifyAddress address, Libc libc) {
    this.address = address;
    this.libc = libc;
  }

  @Override
  public boolean send(String state) {
    byte[] message = state.getBytes(StandardCharsets.UTF_8);
    String error = null;
    int fd = libc.calls.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
    if (fd < 0) {
      error = "socket: " + libc.lastError();
    } else {
      try {
        long sent = libc.calls.sendto(fd, message, message.length, 0, address.sockaddr(), address.sockaddr().length);
        if (sent < 0) {
          error = "sendto: " + libc.lastError();
        } else if (sent != message.length) {
          error = "sendto: sent " + sent + " of " + message.length + " bytes";
        }
      } finally {
        libc.calls.close(fd);
      }
    }
    noteOutcome(error, state);
    return error == null;
  }

  private synchronized void noteOutcome(String error, String state) {
    if (error == null) {
      if (failing) {
        failing = false;
        log.atInfo().addKeyValue("notify_socket", address).log("service manager reachable again");
      }
      return;
    }
    if (!failing) {
      failing = true;
      log.atWarn()
          .addKeyValue("notify_socket", address)
          .addKeyValue("state", state.lines().findFirst().orElse(""))
          .addKeyValue("error", error)
          .log("cannot notify the service manager");
    }
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public String toString() {
    return "DatagramNotifier[" + address + "]";
  }
}
