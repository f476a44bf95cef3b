package io.carbongovernor.daemon.systemd;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the service manager about the daemon's state, the sd_notify(3) protocol: one datagram of
 * newline-separated {@code VARIABLE=value} assignments to the socket in {@code $NOTIFY_SOCKET}.
 * Without that variable (not started by systemd, or {@code Type=simple}) nothing is sent.
 */
public interface SystemdNotifier {

  /** The variable systemd sets for {@code Type=notify} services. */
  String NOTIFY_SOCKET = "NOTIFY_SOCKET";

  /**
   * Sends one notification, such as {@code "READY=1\nSTATUS=controlling 2 GPUs"}. Never throws: a
   * daemon must not fail because its manager went away; failures are logged.
   *
   * @return whether the datagram was sent
   */
  boolean send(String state);

  /** Whether a service manager listens, so that notifications go somewhere. */
  boolean enabled();

  /**
   * The notifier for this process's environment: a datagram notifier when {@code NOTIFY_SOCKET}
   * holds a usable address, otherwise one that sends nothing (logged when the variable is set but
   * unusable).
   */
  static SystemdNotifier fromEnvironment(Map<String, String> env) {
    String address = env.get(NOTIFY_SOCKET);
    if (address == null || address.isEmpty()) {
      return none();
    }
    NotifyAddress.Result parsed = NotifyAddress.parse(address);
    if (parsed.address().isEmpty()) {
      Logger log = LoggerFactory.getLogger("systemd");
      log.atWarn()
          .addKeyValue("notify_socket", address)
          .addKeyValue("problem", parsed.problem())
          .log("cannot use NOTIFY_SOCKET; not notifying the service manager");
      return none();
    }
    try {
      return new DatagramNotifier(parsed.address().get(), Libc.load());
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      LoggerFactory.getLogger("systemd")
          .atWarn()
          .addKeyValue("error", e.getMessage())
          .log("cannot load the C library; not notifying the service manager");
      return none();
    }
  }

  /** A notifier that sends nothing. */
  static SystemdNotifier none() {
    return NoNotifier.INSTANCE;
  }
}
