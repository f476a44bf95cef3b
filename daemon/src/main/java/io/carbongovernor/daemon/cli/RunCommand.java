package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.control.Daemon;
import io.carbongovernor.daemon.control.StartupException;
import io.carbongovernor.daemon.systemd.ServiceNotifications;
import io.carbongovernor.daemon.systemd.SystemdNotifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the daemon until SIGTERM or SIGINT, then restores every GPU and exits 0. SIGHUP reloads
 * the policies and team files. Under systemd ({@code Type=notify}) it reports each step.
 */
@Command(name = "run", description = "Run the daemon.")
final class RunCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger("daemon");

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    SystemdNotifier notifier = SystemdNotifier.fromEnvironment(System.getenv());
    GovernorConfig loaded;
    try {
      loaded = ConfigLoader.load(config, FileChecks.CHECK);
    } catch (InvalidConfigException e) {
      PrintWriter err = spec.commandLine().getErr();
      notifier.send("STATUS=invalid configuration: " + e.problems().size() + " problem(s) in " + config);
      return InvalidConfigReport.print(err, config, e, "not starting");
    }

    // Signals are handled from before the start, so a stop asked for while starting still
    // restores and exits 0; a reload before the daemon runs has nothing to reload.
    CountDownLatch stopRequested = new CountDownLatch(1);
    AtomicReference<Runnable> reload = new AtomicReference<>();
    ExecutorService reloads =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "reload");
              t.setDaemon(true);
              return t;
            });
    DaemonSignals.install(
        stopRequested::countDown,
        () -> {
          Runnable r = reload.get();
          if (r != null) {
            reloads.execute(r);
          }
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
    reload.set(
        () -> {
          systemd.reloading();
          systemd.reloaded(daemon.reload());
        });
    // A backstop for exits that bypass the signal handlers (SIGHUP, System.exit elsewhere).
    Thread backstop =
        new Thread(
            () -> {
              systemd.stopping();
              daemon.stop();
            },
            "restore-on-exit");
    Runtime.getRuntime().addShutdownHook(backstop);

    stopRequested.await();
    systemd.stopping();
    reloads.shutdownNow();
    daemon.stop();
    systemd.close();
    Runtime.getRuntime().removeShutdownHook(backstop);
    return ExitCodes.OK;
  }
}
