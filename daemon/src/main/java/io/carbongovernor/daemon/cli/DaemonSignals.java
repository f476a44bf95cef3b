package io.carbongovernor.daemon.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT become an orderly stop; SIGHUP a reload. The JVM's default would run
 * shutdown hooks and exit 143 or 130 (and treat SIGHUP as a stop); handling the signals lets the
 * daemon restore every GPU and exit 0, which is what systemd and an operator at a terminal expect
 * of a clean stop, and lets {@code systemctl reload} re-read the configuration.
 *
 * <p>{@code run} installs the handlers before anything else (see {@link #installForRun}): a stop
 * in the first second, while logging and the configuration load, must still restore what the
 * last run left in the ledger. So installing touches no logger; what it has to say is kept for
 * {@link #logNotices} once logging is up.
 */
@SuppressWarnings("restriction")
public final class DaemonSignals {

  private static final CountDownLatch STOP = new CountDownLatch(1);
  private static final List<String[]> NOTICES = new CopyOnWriteArrayList<>();
  private static volatile Runnable reload;
  private static boolean installed;

  private DaemonSignals() {}

  /** Installs the handlers when {@code args} run the daemon; other commands keep the JVM's. */
  public static void installForRun(String[] args) {
    for (String arg : args) {
      if (!arg.startsWith("-")) {
        if (arg.equals("run")) {
          install();
        }
        return;
      }
    }
  }

  /** Installs the handlers, once. */
  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    handle("TERM", DaemonSignals::stop, "stop it with SIGINT or SIGKILL (SIGKILL leaves the GPUs to the next start's restore)");
    handle("INT", DaemonSignals::stop, "stop it with SIGTERM");
    handle("HUP", () -> {
      Runnable r = reload;
      if (r != null) {
        r.run();
      }
    }, "configuration changes need a restart");
  }

  private static void stop() {
    STOP.countDown();
  }

  /** Whether a stop was asked for. */
  static boolean stopRequested() {
    return STOP.getCount() == 0;
  }

  /** Waits for a stop. */
  static void awaitStop() throws InterruptedException {
    STOP.await();
  }

  /** What SIGHUP does from now on; before, it does nothing (there is nothing to reload yet). */
  static void onReload(Runnable action) {
    reload = action;
  }

  /** Logs what installing found, and the signal that asked for a stop, if any. */
  static void logNotices() {
    Logger log = LoggerFactory.getLogger("daemon");
    for (String[] n; !NOTICES.isEmpty(); ) {
      n = NOTICES.remove(0);
      log.atWarn().addKeyValue("signal", n[0]).log(n[1]);
    }
  }

  private static void handle(String name, Runnable action, String withoutIt) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(
          new sun.misc.Signal(name),
          signal -> {
            if (!"HUP".equals(signal.getName()) || reload != null) {
              LoggerFactory.getLogger("daemon").atInfo().addKeyValue("signal", "SIG" + signal.getName())
                  .log("signal received");
            }
            action.run();
          });
      // The JVM leaves a stop signal that was ignored when it started ignored (nohup ignores
      // SIGHUP, a script's background job SIGINT) and says so only by handing back SIG_IGN.
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        NOTICES.add(new String[] {"SIG" + name, "signal ignored by whoever started the daemon (nohup or a background job),"
            + " and it stays ignored: " + withoutIt});
      }
    } catch (IllegalArgumentException e) {
      // Reserved here (e.g. the JVM runs with -Xrs): shutdown hooks still restore on exit.
      NOTICES.add(new String[] {name, "cannot handle signal"});
    }
  }
}
