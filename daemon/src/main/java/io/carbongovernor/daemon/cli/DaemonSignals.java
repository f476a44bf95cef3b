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
    handle("TERM", onStop, "stop it with SIGINT or SIGKILL (SIGKILL leaves the GPUs to the next start's restore)");
    handle("INT", onStop, "stop it with SIGTERM");
    handle("HUP", onReload, "configuration changes need a restart");
  }

  private static void handle(String name, Runnable action, String withoutIt) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(
          new sun.misc.Signal(name),
          signal -> {
            log.atInfo().addKeyValue("signal", "SIG" + signal.getName()).log("signal received");
            action.run();
          });
      // The JVM leaves a stop signal that was ignored when it started ignored (nohup ignores
      // SIGHUP, a script's background job SIGINT) and says so only by handing back SIG_IGN.
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        log.atWarn().addKeyValue("signal", "SIG" + name)
            .log("signal ignored by whoever started the daemon (nohup or a background job), and it stays ignored: "
                + withoutIt);
      }
    } catch (IllegalArgumentException e) {
      // Reserved here (e.g. the JVM runs with -Xrs): shutdown hooks still restore on exit.
      log.atWarn().addKeyValue("signal", name).log("cannot handle signal");
    }
  }
}
