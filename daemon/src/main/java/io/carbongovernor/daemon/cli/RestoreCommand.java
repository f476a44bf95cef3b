package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.control.GpuBackendFactory;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.RestoreResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Returns every GPU in the ledger to its original limit and clears what was restored. Needs no
 * running daemon: systemd runs it as {@code ExecStopPost}, also after a crash.
 */
@Command(
    name = "restore",
    description = {
      "Return every GPU in the ledger to its original power limit and clear the ledger.",
      "Works without the daemon (systemd ExecStopPost). Exit 0 when every GPU is restored, 1 otherwise."
    })
final class RestoreCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "governor.yaml")
  Path config;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GovernorConfig loaded;
    try {
      // Only the state dir and the GPU section matter: a missing trace file must not stop a restore.
      loaded = ConfigLoader.load(config, FileChecks.SKIP);
    } catch (InvalidConfigException e) {
      return InvalidConfigReport.print(err, config, e, "nothing restored");
    }
    Path stateDir = loaded.stateDir();
    if (!Files.exists(stateDir.resolve(Ledger.FILE_NAME))) {
      out.printf("nothing to restore: no ledger in %s%n", stateDir);
      out.flush();
      return ExitCodes.OK;
    }
    try (Ledger ledger = Ledger.open(stateDir)) {
      if (ledger.isEmpty()) {
        out.printf("nothing to restore: the ledger in %s is empty%n", stateDir);
        out.flush();
        return ExitCodes.OK;
      }
      List<RestoreResult> results;
      try (GpuControl backend = GpuBackendFactory.create(loaded, Clock.systemUTC())) {
        results = GuardedGpuControl.restore(backend, ledger);
      }
      for (RestoreResult r : results) {
        String gpu = r.gpu().map(g -> g.label() + " ").orElse("");
        String line = String.format("%s%s: %s to %s: %s%s", gpu, r.uuid(), r.succeeded() ? "ok" : "NOT restored",
            r.originalLimit(), r.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
            r.errorCode().map(c -> " (" + c + ", " + r.detail() + ")").orElse(""));
        (r.succeeded() ? out : err).println(line);
      }
      long failed = results.stream().filter(r -> !r.succeeded()).count();
      if (failed > 0) {
        err.printf("%d of %d GPU(s) not restored; they stay in the ledger %s for the next attempt%n",
            failed, results.size(), ledger.file());
      } else {
        out.printf("%d GPU(s) at their original power limit; ledger cleared%n", results.size());
      }
      out.flush();
      err.flush();
      return failed == 0 ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
    } catch (RuntimeException e) { // StartupException (no backend) or an unreadable ledger
      err.println("cannot restore: " + e.getMessage());
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
  }
}
