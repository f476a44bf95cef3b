package io.carbongovernor.daemon.cli;

import io.carbongovernor.daemon.config.ConfigLoader;
import io.carbongovernor.daemon.config.FileChecks;
import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.InvalidConfigException;
import io.carbongovernor.daemon.control.LedgerRestore;
import io.carbongovernor.gpu.RestoreResult;
import java.io.PrintWriter;
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
      "A GPU whose limit someone changed since the daemon set it is left as they set it. Works without"
          + " the daemon (systemd runs it as ExecStopPost).",
      "Exit 0 when every GPU is restored, 1 otherwise."
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
    LedgerRestore.Outcome outcome;
    try {
      outcome = LedgerRestore.run(loaded, Clock.systemUTC());
    } catch (RuntimeException e) { // StartupException (no backend), a damaged ledger, a GPU in use
      err.println("cannot restore: " + GpuBackendProblem.describe(e, loaded));
      err.flush();
      return ExitCodes.RUNTIME_FAILURE;
    }
    if (outcome.nothingToDo()) {
      out.printf("nothing to restore: no GPU in the ledger %s%n", outcome.ledger());
      out.flush();
      return ExitCodes.OK;
    }
    List<RestoreResult> results = outcome.results();
    for (RestoreResult r : results) {
      (r.succeeded() ? out : err).println(describe(r));
    }
    long failed = outcome.failed();
    long left = results.stream().filter(r -> r.status() == RestoreResult.Status.LEFT_FOR_OPERATOR).count();
    if (failed > 0) {
      err.printf("%d of %d GPU(s) not restored; they stay in the ledger %s for the next attempt%n",
          failed, results.size(), outcome.ledger());
    } else if (left > 0) {
      out.printf("%d GPU(s) at their original power limit, %d left at the limit an operator set; ledger cleared%n",
          results.size() - left, left);
    } else {
      out.printf("%d GPU(s) at their original power limit; ledger cleared%n", results.size());
    }
    out.flush();
    err.flush();
    return failed == 0 ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
  }

  private static String describe(RestoreResult r) {
    String gpu = r.gpu().map(g -> g.label() + " ").orElse("") + r.uuid();
    String status = r.status().name().toLowerCase(Locale.ROOT).replace('_', '-');
    if (r.status() == RestoreResult.Status.LEFT_FOR_OPERATOR) {
      return gpu + ": ok, " + r.detail() + "; its original " + r.originalLimit() + " no longer applies: " + status;
    }
    if (RestoreResult.LEDGER_DAMAGED.equals(r.errorCode().orElse(""))) {
      return gpu + ": NOT restored: " + r.detail();
    }
    return String.format("%s: %s to %s: %s%s", gpu, r.succeeded() ? "ok" : "NOT restored", r.originalLimit(), status,
        r.errorCode().map(c -> " (" + c + ", " + r.detail() + ")").orElse(""));
  }
}
