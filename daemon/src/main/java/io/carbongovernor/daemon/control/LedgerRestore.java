package io.carbongovernor.daemon.control;

import io.carbongovernor.daemon.config.GovernorConfig;
import io.carbongovernor.daemon.config.GpuConfig;
import io.carbongovernor.gpu.GpuControl;
import io.carbongovernor.gpu.GpuLocks;
import io.carbongovernor.gpu.GuardedGpuControl;
import io.carbongovernor.gpu.Ledger;
import io.carbongovernor.gpu.RestoreResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Restores what a state directory's ledger holds without running the daemon: the {@code restore}
 * command (systemd's {@code ExecStopPost}), and {@code run} stopped before the daemon started.
 */
public final class LedgerRestore {

  /** What a restore did: nothing when there was no ledger or it was empty. */
  public record Outcome(Path ledger, boolean nothingToDo, List<RestoreResult> results) {
    public long failed() {
      return results.stream().filter(r -> !r.succeeded()).count();
    }
  }

  private LedgerRestore() {}

  /**
   * Restores the ledger of {@code config}'s state directory.
   *
   * @throws RuntimeException when the ledger is damaged or in use, a GPU is controlled by another
   *     daemon, or the backend cannot start ({@link StartupException}); the message says what to do
   */
  public static Outcome run(GovernorConfig config, Clock clock) {
    Path stateDir = config.stateDir();
    Path file = stateDir.resolve(Ledger.FILE_NAME);
    if (!Files.exists(file)) {
      return new Outcome(file, true, List.of());
    }
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      if (ledger.isEmpty()) {
        return new Outcome(file, true, List.of());
      }
      Set<String> uuids = new LinkedHashSet<>(ledger.originalLimits().keySet());
      uuids.addAll(ledger.problems().keySet());
      try (GpuControl backend = GpuBackendFactory.create(config, clock);
          GpuLocks locks = hostLocks(config, uuids)) {
        return new Outcome(file, false, GuardedGpuControl.restore(backend, ledger));
      }
    }
  }

  /**
   * The host-wide locks a daemon takes on GPUs others can see, so that a restore never undercuts a
   * daemon of another state directory that controls one of them now. Simulated GPUs live in one
   * process: none.
   */
  static GpuLocks hostLocks(GovernorConfig config, Collection<String> uuids) {
    if (!config.gpu().backend().real()) {
      return GpuLocks.none();
    }
    return GpuLocks.acquire(config.gpu().lockDir(), uuids, config.stateDir());
  }
}
