package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.LimitOutcome.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 3: a restore (clean stop, {@code restore}, start after a crash) returns a GPU to its
 * original only while its limit is still one the daemon set; an operator's limit is theirs.
 */
class RestoreOnlyWhatWeSetTest {

  private static final Power W300 = Power.ofWatts(300);

  @TempDir Path stateDir;

  private final TestClock clock = new TestClock();
  private final SimulatedGpuControl sim = SimulatedGpus.builder().count(3).clock(clock).build();
  private final Gpu gpu0 = sim.gpus().get(0);
  private final Gpu gpu1 = sim.gpus().get(1);
  private final Gpu gpu2 = sim.gpus().get(2);

  private static Power w(double watts) {
    return Power.ofWatts(watts);
  }

  /** A run that set 200 W on every GPU and died (kill -9): the OS let go of its ledger. */
  private void crashedWhileThrottled() {
    Ledger first = Ledger.open(stateDir, clock);
    GuardedGpuControl crashed = GuardedGpuControl.create(sim, first);
    crashed.apply(Map.of(gpu0, w(200), gpu1, w(200), gpu2, w(200)));
    first.close();
  }

  @Test
  void afterACrashAnOperatorsLimitIsLeftAndDroppedWhileTheDaemonsOwnAreRestored() {
    crashedWhileThrottled();
    sim.setLimitExternally(gpu0, w(250)); // nvidia-smi -pl 250 after the crash
    sim.setLimitExternally(gpu2, W300);
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      List<RestoreResult> results = GuardedGpuControl.restore(sim, ledger);
      assertThat(results).extracting(RestoreResult::status).containsExactly(
          RestoreResult.Status.LEFT_FOR_OPERATOR, RestoreResult.Status.RESTORED, RestoreResult.Status.ALREADY_AT_ORIGINAL);
      assertThat(results).allMatch(RestoreResult::succeeded);
      assertThat(results.get(0).detail()).contains("left at 250 W").contains("the daemon last set 200 W");
      assertThat(ledger.isEmpty()).isTrue();
    }
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(250));
    assertThat(sim.sample(gpu1).limit()).isEqualTo(W300);
    assertThat(Ledger.read(stateDir).isEmpty()).isTrue();
  }

  @Test
  void aCleanStopLeavesAGpuTheOperatorChangedWhileTheDaemonRan() {
    GuardedGpuControl guard = GuardedGpuControl.create(sim, Ledger.open(stateDir, clock));
    guard.apply(Map.of(gpu0, w(200), gpu1, w(200)));
    sim.setLimitExternally(gpu0, w(250));
    assertThat(guard.apply(Map.of(gpu0, w(180), gpu1, w(180)))).extracting(LimitOutcome::status)
        .containsExactly(Status.HELD_BY_OPERATOR, Status.APPLIED);
    List<RestoreResult> results = guard.restoreAll();
    assertThat(results).extracting(RestoreResult::status)
        .containsExactly(RestoreResult.Status.LEFT_FOR_OPERATOR, RestoreResult.Status.RESTORED);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(250));
    assertThat(sim.sample(gpu1).limit()).isEqualTo(W300);
    guard.close();
    assertThat(Ledger.read(stateDir).isEmpty()).isTrue();
  }

  /**
   * The set is ledgered before the setter runs, so a process killed in between left the GPU at
   * the limit before it: still the daemon's, restored. An original with no set never was changed
   * by the daemon, so a different limit is someone else's.
   */
  @Test
  void aSetLedgeredButNeverMadeStillCountsAsTheDaemons() {
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      ledger.recordChanges(List.of(
          new Ledger.LimitChange(gpu0.uuid(), W300, w(200)),
          new Ledger.LimitChange(gpu1.uuid(), W300, w(200))));
      ledger.recordChanges(List.of(new Ledger.LimitChange(gpu0.uuid(), w(200), w(150))));
      ledger.recordOriginal(gpu2.uuid(), W300);
    }
    sim.setLimitExternally(gpu0, w(200)); // the 200 W set was made, the 150 W one never was
    sim.setLimitExternally(gpu2, w(220)); // never set by the daemon
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      assertThat(GuardedGpuControl.restore(sim, ledger)).extracting(RestoreResult::status).containsExactly(
          RestoreResult.Status.RESTORED, RestoreResult.Status.ALREADY_AT_ORIGINAL, RestoreResult.Status.LEFT_FOR_OPERATOR);
    }
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
    assertThat(sim.sample(gpu2).limit()).isEqualTo(w(220));
  }

  @Test
  void setsWithoutAnOriginalAreRefusedForThatGpuAloneAndKept() throws Exception {
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      ledger.recordOriginal(gpu0.uuid(), W300);
      ledger.recordSet(gpu0.uuid(), W300, w(200));
    }
    Path file = stateDir.resolve(Ledger.FILE_NAME);
    Files.writeString(file, Files.readString(file)
        + "{\"type\":\"set\",\"uuid\":\"" + gpu1.uuid() + "\",\"time\":\"2026-01-01T00:00:00Z\",\"old_mw\":300000,\"new_mw\":150000}\n");
    sim.setLimitExternally(gpu0, w(200));
    sim.setLimitExternally(gpu1, w(150));
    long setsBefore = sim.setCalls(gpu1);
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      List<RestoreResult> results = GuardedGpuControl.restore(sim, ledger);
      assertThat(results).extracting(RestoreResult::status)
          .containsExactly(RestoreResult.Status.RESTORED, RestoreResult.Status.FAILED);
      assertThat(results.get(1).errorCode()).contains(RestoreResult.LEDGER_DAMAGED);
      assertThat(results.get(1).detail()).startsWith(file + ":3: limits were set on " + gpu1.uuid())
          .contains("original limit is not in the ledger").contains("nvidia-smi -i " + gpu1.uuid() + " -pl WATTS");
    }
    assertThat(sim.setCalls(gpu1)).isEqualTo(setsBefore);
    assertThat(sim.sample(gpu1).limit()).isEqualTo(w(150));
    assertThat(Ledger.read(stateDir).lastSetLimit(gpu1.uuid())).contains(w(150));
  }

  @Test
  void anOriginalOutsideTheGpusRangeIsRefusedNotClamped() throws Exception {
    Path file = stateDir.resolve(Ledger.FILE_NAME);
    Files.createDirectories(stateDir);
    Files.writeString(file,
        "{\"type\":\"original\",\"uuid\":\"" + gpu0.uuid() + "\",\"time\":\"2026-01-01T00:00:00Z\",\"limit_mw\":1}\n"
            + "{\"type\":\"set\",\"uuid\":\"" + gpu0.uuid() + "\",\"time\":\"2026-01-01T00:00:00Z\",\"old_mw\":1,\"new_mw\":200000}\n");
    sim.setLimitExternally(gpu0, w(200));
    try (Ledger ledger = Ledger.open(stateDir, clock)) {
      RestoreResult r = GuardedGpuControl.restore(sim, ledger).get(0);
      assertThat(r.status()).isEqualTo(RestoreResult.Status.FAILED);
      assertThat(r.succeeded()).isFalse();
      assertThat(r.detail()).startsWith(file + ":1: the original limit 0.001 W").contains("outside the GPU's range [100 W, 300 W]");
    }
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(200));
    assertThat(Ledger.read(stateDir).originalLimits()).containsKey(gpu0.uuid());
  }
}
