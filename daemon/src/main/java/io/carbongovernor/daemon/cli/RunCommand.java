package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.control.LedgerRestore;
import io.carbongovernor.daemon.control.StartupException;
import io.carbongovernor.daemon.systemd.ServiceNotifications;
import io.carbongovernor.daemon.systemd.SystemdNotifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the daemon until SIGTERM or SIGINT, then restores every GPU and exits 0. SIGHUP reloads
 * the policies and team files. Under systemd ({@code Type=notify}) it reports each step.
 */
@Command(
    name = "run",
    description = {
      "Run the daemon.",
      "SIGHUP reloads the policies and team files; SIGTERM and SIGINT restore every GPU and exit 0."
    })
final class RunCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger("daemon");

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    DaemonSignals.install(); // Main already has, unless run in-process
    DaemonSignals.logNotices();
    SystemdNotifier notifier = SystemdNotifier.fromEnvironment(System.getenv());
    GovernorConfig loaded;
    try {
      loaded = ConfigLoader.load(config, FileChecks.CHECK);
    } catch (InvalidConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      notifier.send("STATUS=invalid configuration: " + e.problems().size() + " problem(s) in " + config);
      return InvalidConfigReport.print(err, config, e, "not starting");
    }
    if (DaemonSignals.stopRequested()) {
      return restoreInstead(loaded);
    }
    // A stop asked for while starting still restores and exits 0 once the start is done; a
    // reload before the daemon runs has nothing to reload.
    ExecutorService reloads =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "reload");
              t.setDaemon(true);
              return t;
            });
    Daemon daemon;
    try {
      daemon = Daemon.start(loaded, Clock.systemUTC());
    } catch (StartupException e) {
      log.atError().addKeyValue("error", e.getMessage()).log("cannot start");
      notifier.send("STATUS=cannot start: " + e.getMessage());
      return ExitCodes.RUNTIME_FAILURE;
    }
    ServiceNotifications systemd = ServiceNotifications.start(notifier, System.getenv(), daemon.loop(), loaded);
    DaemonSignals.onReload(
        () -> reloads.execute(
            () -> {
              systemd.reloading();
              systemd.reloaded(daemon.reload());
            }));
    // A backstop for exits that bypass the signal handlers (System.exit elsewhere, -Xrs).
    Thread backstop =
        new Thread(
            () -> {
              systemd.stopping();
              daemon.stop();
            },
            "restore-on-exit");
    Runtime.getRuntime().addShutdownHook(backstop);

    DaemonSignals.awaitStop();
    systemd.stopping();
    DaemonSignals.onReload(null);
    reloads.shutdownNow();
    daemon.stop();
    systemd.close();
    Runtime.getRuntime().removeShutdownHook(backstop);
    return ExitCodes.OK;
  }

  /**
   * Stopped before the daemon started: nothing of this run needs undoing, but the last run may
   * have left GPUs in the ledger (a crash, then a restart stopped at once), so restore them.
   */
  private static int restoreInstead(GovernorConfig loaded) {
    log.info("stop asked for before the daemon started; restoring what the ledger holds instead");
    LedgerRestore.Outcome outcome;
    try {
      outcome = LedgerRestore.run(loaded, Clock.systemUTC());
    } catch (RuntimeException e) {
      log.atError().addKeyValue("error", e.getMessage()).log("cannot restore");
      return ExitCodes.RUNTIME_FAILURE;
    }
    log.atInfo().addKeyValue("gpus", outcome.results().size()).addKeyValue("not_restored", outcome.failed())
        .log("stopped before starting");
    return outcome.failed() == 0 ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
  }
}
