package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbongovernor.gpu.LimitOutcome.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class GuardedGpuControlTest {

  private static final Power W300 = Power.ofWatts(300);

  @TempDir Path stateDir;

  private final TestClock clock = new TestClock();
  private final SimulatedGpuControl sim = SimulatedGpus.builder().count(3).clock(clock).build();
  private final Gpu gpu0 = sim.gpus().get(0);
  private final Gpu gpu1 = sim.gpus().get(1);
  private final Gpu gpu2 = sim.gpus().get(2);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final ch.qos.logback.classic.Logger logger =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("safety");

  @BeforeEach
  void captureLogs() {
    logs.start();
    logger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    logger.detachAppender(logs);
  }

  private Ledger ledger() {
    return Ledger.open(stateDir, clock);
  }

  private static Power w(double watts) {
    return Power.ofWatts(watts);
  }

  private List<String> warnings(String message) {
    return logs.list.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(message))
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void clampsIntoConstraints() {
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    LimitOutcome low = guard.apply(Map.of(gpu0, w(50))).get(0);
    assertThat(low.status()).isEqualTo(Status.APPLIED);
    assertThat(low.clamped()).isTrue();
    assertThat(low.target()).isEqualTo(w(100));
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(100));
    LimitOutcome high = guard.apply(Map.of(gpu0, w(1000))).get(0);
    assertThat(high.target()).isEqualTo(W300);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
    assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains("clamped"));
  }

  @Test
  void hysteresisSkipsSmallStepsExceptBackToOriginal() {
    GuardedGpuControl guard = GuardedGpuControl.builder(sim, ledger()).minimumStep(w(30)).build();
    assertThat(guard.apply(Map.of(gpu0, w(250))).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(guard.apply(Map.of(gpu0, w(280))).get(0).status()).isEqualTo(Status.APPLIED);
    LimitOutcome small = guard.apply(Map.of(gpu0, w(290))).get(0);
    assertThat(small.status()).isEqualTo(Status.UNCHANGED);
    assertThat(small.detail()).contains("below minimum step 30 W");
    assertThat(guard.apply(Map.of(gpu0, w(280))).get(0).status()).isEqualTo(Status.UNCHANGED);
    assertThat(sim.setCalls(gpu0)).isEqualTo(2);
    // 20 W is below the step, but it returns the GPU to its original limit.
    assertThat(guard.apply(Map.of(gpu0, W300)).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
  }

  /** The original and the set itself are both durable before the setter runs, in one fsync. */
  @Test
  void originalIsLedgeredAndSyncedBeforeTheFirstSet() throws Exception {
    Ledger ledger = ledger();
    List<String> seenAtSet = new ArrayList<>();
    List<Long> forcesAtSet = new ArrayList<>();
    GpuControl observing = new ForwardingGpuControl(sim) {
      @Override
      public void setPowerLimit(Gpu gpu, Power limit) {
        try {
          seenAtSet.add(Files.readString(ledger.file()));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        forcesAtSet.add(ledger.forceCount());
        super.setPowerLimit(gpu, limit);
      }
    };
    GuardedGpuControl guard = GuardedGpuControl.create(observing, ledger);
    guard.apply(Map.of(gpu0, w(200)));
    assertThat(seenAtSet.get(0))
        .isEqualTo("{\"type\":\"original\",\"uuid\":\"" + gpu0.uuid()
            + "\",\"time\":\"2026-01-01T00:00:00Z\",\"limit_mw\":300000}\n"
            + "{\"type\":\"set\",\"uuid\":\"" + gpu0.uuid()
            + "\",\"time\":\"2026-01-01T00:00:00Z\",\"old_mw\":300000,\"new_mw\":200000}\n");
    assertThat(forcesAtSet.get(0)).isEqualTo(1);
    guard.apply(Map.of(gpu0, w(150)));
    // Every set is recorded; the original is written only once.
    assertThat(Files.readAllLines(ledger.file()))
        .hasSize(3)
        .anyMatch(l -> l.contains("\"type\":\"set\"") && l.contains("\"old_mw\":300000,\"new_mw\":200000"))
        .anyMatch(l -> l.contains("\"old_mw\":200000,\"new_mw\":150000"));
    assertThat(Ledger.read(stateDir).originalLimits()).containsExactly(entry(gpu0.uuid(), W300));
  }

  @Test
  void noSetWhenTheLedgerCannotBeWritten() {
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger);
    ledger.close();
    LimitOutcome outcome = guard.apply(Map.of(gpu0, w(200))).get(0);
    assertThat(outcome.status()).isEqualTo(Status.FAILED);
    assertThat(outcome.errorCode()).contains(LimitOutcome.LEDGER_WRITE_FAILED);
    assertThat(sim.setCalls(gpu0)).isZero();
  }

  @Test
  void readBackMismatchIsLoggedAndNotMistakenForAnOperator() {
    GpuControl ignoring = new ForwardingGpuControl(sim) {
      @Override
      public void setPowerLimit(Gpu gpu, Power limit) {
        // accepted but not applied
      }
    };
    GuardedGpuControl guard = GuardedGpuControl.create(ignoring, ledger());
    LimitOutcome outcome = guard.apply(Map.of(gpu0, w(200))).get(0);
    assertThat(outcome.status()).isEqualTo(Status.APPLIED);
    assertThat(outcome.detail()).contains("read back limit 300 W, enforced 300 W");
    assertThat(warnings("read-back differs")).hasSize(1);
    assertThat(guard.apply(Map.of(gpu0, w(200))).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(guard.heldByOperator(gpu0)).isFalse();
  }

  @Test
  void externalChangeIsHeldUntilTheOperatorsLimitIsGone() {
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    guard.apply(Map.of(gpu0, w(250), gpu1, w(250)));
    sim.setLimitExternally(gpu0, w(200));

    List<LimitOutcome> tick = guard.apply(Map.of(gpu0, w(240), gpu1, w(240)));
    assertThat(tick).extracting(LimitOutcome::status).containsExactly(Status.HELD_BY_OPERATOR, Status.APPLIED);
    assertThat(guard.apply(Map.of(gpu0, w(230))).get(0).status()).isEqualTo(Status.HELD_BY_OPERATOR);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(200));
    assertThat(sim.setCalls(gpu0)).isEqualTo(1);
    assertThat(guard.heldByOperator(gpu0)).isTrue();
    assertThat(guard.states().get(gpu0.uuid()).heldByOperator()).isTrue();
    assertThat(guard.states().get(gpu1.uuid()).heldByOperator()).isFalse();
    assertThat(warnings("changed by someone else")).hasSize(1);

    // The operator puts back the limit we had set: control resumes.
    sim.setLimitExternally(gpu0, w(250));
    assertThat(guard.apply(Map.of(gpu0, w(230))).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(guard.heldByOperator(gpu0)).isFalse();

    // Again, and this time the operator goes back to the original.
    sim.setLimitExternally(gpu0, w(180));
    assertThat(guard.apply(Map.of(gpu0, w(220))).get(0).status()).isEqualTo(Status.HELD_BY_OPERATOR);
    sim.setLimitExternally(gpu0, W300);
    assertThat(guard.apply(Map.of(gpu0, w(220))).get(0).status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void externalChangeBeforeAnySetIsHeldToo() {
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    sim.setLimitExternally(gpu0, w(280));
    assertThat(guard.apply(Map.of(gpu0, w(200))).get(0).status()).isEqualTo(Status.HELD_BY_OPERATOR);
    assertThat(sim.setCalls(gpu0)).isZero();
    guard.release(gpu0);
    assertThat(guard.apply(Map.of(gpu0, w(200))).get(0).status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void shadowModeNeverCallsTheSetterNorWritesTheLedger() throws Exception {
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.builder(sim, ledger).shadow(true).build();
    List<LimitOutcome> outcomes = guard.apply(Map.of(gpu0, w(200), gpu1, w(50), gpu2, W300));
    assertThat(outcomes).extracting(LimitOutcome::status).containsExactly(Status.SHADOW, Status.SHADOW, Status.UNCHANGED);
    assertThat(outcomes.get(1).target()).isEqualTo(w(100));
    guard.setPowerLimit(gpu0, w(150));
    assertThat(guard.restoreAll()).isEmpty();
    assertThat(sim.totalSetCalls()).isZero();
    assertThat(ledger.isEmpty()).isTrue();
    assertThat(Files.size(ledger.file())).isZero();
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
  }

  @Test
  void oneGpuFailingNeverStopsTheOthers() {
    sim.fail(gpu1, GpuFault.GPU_LOST);
    sim.failSets(gpu2, GpuFault.NO_PERMISSION);
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    Map<Gpu, Power> targets = new LinkedHashMap<>();
    targets.put(gpu2, w(200));
    targets.put(gpu1, w(200));
    targets.put(gpu0, w(200));
    List<LimitOutcome> outcomes = guard.apply(targets);
    assertThat(outcomes).extracting(o -> o.gpu().index()).containsExactly(0, 1, 2);
    assertThat(outcomes).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.FAILED, Status.FAILED);
    assertThat(outcomes.get(1).errorCode()).contains("GPU_LOST");
    assertThat(outcomes.get(2).errorCode()).contains("NO_PERMISSION");
    assertThat(sim.sample(gpu0).limit()).isEqualTo(w(200));
    assertThatThrownBy(() -> guard.setPowerLimit(gpu2, w(150)))
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.code()).isEqualTo("NO_PERMISSION"));
  }

  @Test
  void unexpectedBackendExceptionStaysWithItsGpu() {
    GpuControl buggy = new ForwardingGpuControl(sim) {
      @Override
      public void setPowerLimit(Gpu gpu, Power limit) {
        if (gpu.index() == 0) {
          throw new IllegalStateException("bug");
        }
        super.setPowerLimit(gpu, limit);
      }
    };
    GuardedGpuControl guard = GuardedGpuControl.create(buggy, ledger());
    List<LimitOutcome> outcomes = guard.apply(Map.of(gpu0, w(200), gpu1, w(200)));
    assertThat(outcomes.get(0).errorCode()).contains(LimitOutcome.UNEXPECTED);
    assertThat(outcomes.get(1).status()).isEqualTo(Status.APPLIED);
  }

  @Test
  void restoreAfterACrashReturnsEveryGpuAndClearsTheLedger() {
    Ledger first = ledger();
    GuardedGpuControl crashed = GuardedGpuControl.create(sim, first);
    crashed.apply(Map.of(gpu0, w(200), gpu1, w(150)));
    // No restore: the process died, and the OS let go of its ledger. A new one opens the same
    // state directory.
    first.close();
    Ledger ledger = ledger();
    assertThat(ledger.originalLimits()).containsOnlyKeys(gpu0.uuid(), gpu1.uuid());
    List<RestoreResult> results = GuardedGpuControl.restore(sim, ledger);
    assertThat(results).extracting(RestoreResult::status)
        .containsExactly(RestoreResult.Status.RESTORED, RestoreResult.Status.RESTORED);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
    assertThat(sim.sample(gpu1).limit()).isEqualTo(W300);
    assertThat(ledger.isEmpty()).isTrue();
    assertThat(Ledger.read(stateDir).isEmpty()).isTrue();
  }

  @Test
  void newLayerKnowsTheLedgeredOriginalAndRestores() {
    Ledger first = ledger();
    GuardedGpuControl crashed = GuardedGpuControl.create(sim, first);
    crashed.apply(Map.of(gpu0, w(200)));
    first.close(); // the process died without restoring
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    assertThat(guard.originalLimit(gpu0)).isEqualTo(W300);
    // What the previous run set is not mistaken for an operator's change.
    assertThat(guard.apply(Map.of(gpu0, w(180))).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(guard.restoreAll()).extracting(RestoreResult::status).containsExactly(RestoreResult.Status.RESTORED);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
    assertThat(guard.states().get(gpu0.uuid()).ledgered()).isFalse();
  }

  @Test
  void failedRestoresStayInTheLedger() {
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    guard.apply(Map.of(gpu0, w(200), gpu1, w(200), gpu2, w(200)));
    sim.failSets(gpu1, GpuFault.NO_PERMISSION);
    sim.setLimitExternally(gpu2, W300);
    List<RestoreResult> results = guard.restoreAll();
    assertThat(results).extracting(RestoreResult::status).containsExactly(RestoreResult.Status.RESTORED,
        RestoreResult.Status.FAILED, RestoreResult.Status.ALREADY_AT_ORIGINAL);
    assertThat(results.get(1).errorCode()).contains("NO_PERMISSION");
    assertThat(Ledger.read(stateDir).originalLimits()).containsOnlyKeys(gpu1.uuid());
    sim.recover(gpu1);
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(Ledger.read(stateDir).isEmpty()).isTrue();
  }

  @Test
  void missingLedgeredGpuIsReportedNotFatal() {
    try (Ledger ledger = ledger()) {
      ledger.recordOriginal("GPU-gone", W300);
    }
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    guard.apply(Map.of(gpu0, w(200)));
    List<RestoreResult> results = guard.restoreAll();
    assertThat(results).extracting(RestoreResult::uuid, RestoreResult::status).containsExactly(
        tuple("GPU-gone", RestoreResult.Status.NOT_PRESENT),
        tuple(gpu0.uuid(), RestoreResult.Status.RESTORED));
    assertThat(sim.sample(gpu0).limit()).isEqualTo(W300);
    assertThat(Ledger.read(stateDir).originalLimits()).containsOnlyKeys("GPU-gone");
  }

  @Test
  void originalLimitIsTheStartupLimitUntilLedgered() {
    sim.setLimitExternally(gpu0, w(280));
    GuardedGpuControl guard = GuardedGpuControl.create(sim, ledger());
    assertThat(guard.originalLimit(gpu0)).isEqualTo(w(280));
    assertThat(guard.originalLimit(gpu1)).isEqualTo(W300);
    guard.apply(Map.of(gpu0, w(200)));
    assertThat(guard.originalLimit(gpu0)).isEqualTo(w(280));
    assertThat(guard.states().get(gpu0.uuid()))
        .isEqualTo(new GpuControlState(gpu0.uuid(), w(280), true, Optional.of(w(200)),
            Optional.of(w(200)), false));
  }
}
