package io.carbongovernor.daemon.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns SIGTERM and SIGINT into an orderly stop. The JVM's default would run shutdown hooks and
 * exit 143 or 130; handling the signals lets the daemon restore every GPU and exit 0, which is
 * what systemd and an operator at a terminal expect of a clean stop.
 */
@SuppressWarnings("restriction")
final class StopSignals {

  private static final Logger log = LoggerFactory.getLogger("daemon");

  private StopSignals() {}

  static void install(Runnable onStop) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(name),
            signal -> {
              log.atInfo().addKeyValue("signal", "SIG" + signal.getName()).log("stop requested");
              onStop.run();
            });
      } catch (IllegalArgumentException e) {
        // The signal is reserved here (e.g. the JVM runs with -Xrs): shutdown hooks still restore.
        log.atWarn().addKeyValue("signal", name).log("cannot handle signal; relying on the exit hook");
      }
    }
  }
}
