package io.carbongovernor.daemon.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT become an orderly stop; SIGHUP a reload. The JVM's default would run
 * shutdown hooks and exit 143 or 130 (and treat SIGHUP as a stop); handling the signals lets the
 * daemon restore every GPU and exit 0, which is what systemd and an operator at a terminal expect
 * of a clean stop, and lets {@code systemctl reload} re-read the configuration.
 */
@SuppressWarnings("restriction")
final class DaemonSignals {

  private static final Logger log = LoggerFactory.getLogger("daemon");

  private DaemonSignals() {}

  static void install(Runnable onStop, Runnable onReload) {
    handle("TERM", onStop);
    handle("INT", onStop);
    handle("HUP", onReload);
  }

  private static void handle(String name, Runnable action) {
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal(name),
          signal -> {
            log.atInfo().addKeyValue("signal", "SIG" + signal.getName()).log("signal received");
            action.run();
          });
    } catch (IllegalArgumentException e) {
      // Reserved here (e.g. the JVM runs with -Xrs): shutdown hooks still restore on exit.
      log.atWarn().addKeyValue("signal", name).log("cannot handle signal");
    }
  }
}
