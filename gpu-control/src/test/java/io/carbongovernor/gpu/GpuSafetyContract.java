package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbongovernor.gpu.LimitOutcome.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The safety invariants of docs/architecture.md, through the safety layer and one backend: the
 * same tests for every backend (each vendor's production binding on its fake library, and the
 * simulated GPUs). A subclass supplies the {@link Rig}: three GPUs at their default limit, and the
 * hands of the world around the daemon (an operator's tool, a GPU falling off the bus, a refused
 * setter). What the rig's GPUs end up with is what real ones would.
 */
public abstract class GpuSafetyContract {

  /** One backend and its GPUs' "hardware". */
  protected interface Rig {
    /** A new backend on the same GPUs (a second process after a crash sees the same limits). */
    GpuControl open(TestClock clock);

    /** The GPU's limit as the hardware holds it, not through the backend under test. */
    Power limit(int index);

    /** How many times the backend's setter reached the GPU, refused calls included. */
    int setCalls(int index);

    /** As the vendor's command-line tool would set it: not through the backend under test. */
    void setLimitExternally(int index, Power limit);

    /** The GPU falls off the bus ({@code true}) or is back ({@code false}). */
    void setLost(int index, boolean lost);

    /** From now on the GPU's setter answers "no permission". */
    void refuseSets(int index);

    /** Whether a GPU that came back waits for the backend's first retry time (5 s) to be used. */
    boolean retriesAfterBackoff();
  }

  /** The backend's rig, with three GPUs at their default limits. */
  protected abstract Rig rig();

  @TempDir protected Path stateDir;

  protected final TestClock clock = new TestClock();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final ch.qos.logback.classic.Logger safetyLog =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("safety");
  private final List<GpuControl> opened = new ArrayList<>();
  private Rig rig;

  @BeforeEach
  void setUpContract() {
    rig = rig();
    logs.start();
    safetyLog.addAppender(logs);
  }

  @AfterEach
  void tearDownContract() {
    safetyLog.detachAppender(logs);
    opened.forEach(GpuControl::close);
  }

  protected GpuControl backend() {
    GpuControl c = rig.open(clock);
    opened.add(c);
    return c;
  }

  private Ledger ledger() {
    return Ledger.open(stateDir, clock);
  }

  private static Map<Gpu, Power> all(List<Gpu> gpus, Power target) {
    Map<Gpu, Power> m = new LinkedHashMap<>();
    gpus.forEach(g -> m.put(g, target));
    return m;
  }

  /** A whole-10-W limit a fraction of the way from the GPU's minimum to its maximum. */
  private static Power between(Gpu gpu, double fraction) {
    double min = gpu.constraints().min().watts();
    double max = gpu.constraints().max().watts();
    return Power.ofWatts(Math.round((min + fraction * (max - min)) / 10) * 10.0);
  }

  private List<Power> limits() {
    return List.of(rig.limit(0), rig.limit(1), rig.limit(2));
  }

  @Test
  void threeGpusStartAtTheirMaximum() {
    List<Gpu> gpus = backend().gpus();
    assertThat(gpus).hasSize(3);
    assertThat(gpus).allSatisfy(g -> assertThat(rig.limit(g.index())).isEqualTo(g.constraints().max()));
  }

  @Test
  void invariant1NeverALimitOutsideMinMax() {
    GpuControl backend = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(backend, ledger());
    List<Gpu> gpus = backend.gpus();
    Power min = gpus.get(0).constraints().min();
    Power max = gpus.get(1).constraints().max();
    LimitOutcome low = guard.apply(Map.of(gpus.get(0), Power.ofWatts(10))).get(0);
    LimitOutcome high = guard.apply(Map.of(gpus.get(1), Power.ofWatts(5000))).get(0);
    assertThat(low.target()).isEqualTo(min);
    assertThat(low.clamped()).isTrue();
    assertThat(rig.limit(0)).isEqualTo(min);
    assertThat(high.target()).isEqualTo(max);
    assertThat(high.status()).isEqualTo(Status.UNCHANGED); // clamped to the maximum, where it already is
    assertThat(rig.limit(1)).isEqualTo(max);
  }

  @Test
  void invariant2OriginalIsLedgeredAndSyncedBeforeTheFirstChange() {
    Ledger ledger = ledger();
    List<String> ledgerAtSet = new ArrayList<>();
    GpuControl backend = backend();
    GpuControl observed = new ForwardingGpuControl(backend) {
      @Override
      public void setPowerLimit(Gpu gpu, Power limit) {
        try {
          ledgerAtSet.add(Files.readString(ledger.file()));
        } catch (IOException e) {
          throw new AssertionError(e);
        }
        super.setPowerLimit(gpu, limit);
      }
    };
    GuardedGpuControl guard = GuardedGpuControl.create(observed, ledger);
    Gpu gpu = backend.gpus().get(2);
    Power original = rig.limit(2);
    Power target = between(gpu, 0.5);
    guard.apply(Map.of(gpu, target));
    assertThat(ledgerAtSet.get(0)).contains("\"type\":\"original\"").contains(gpu.uuid())
        .contains(Long.toString(original.milliwatts())).contains("\"new_mw\":" + target.milliwatts());
    assertThat(ledger.forceCount()).isEqualTo(1); // the original and the set, in one fsync before the setter
    assertThat(Ledger.read(stateDir).originalLimits()).containsEntry(gpu.uuid(), original);
    assertThat(rig.limit(2)).isEqualTo(target);
  }

  @Test
  void invariant3RestoreOnCleanExitAndAfterACrash() {
    GpuControl first = backend();
    List<Power> originals = limits();
    Power low = between(first.gpus().get(0), 0.25);
    Ledger clean = ledger();
    GuardedGpuControl guard = GuardedGpuControl.create(first, clean);
    guard.apply(all(first.gpus(), low));
    assertThat(limits()).containsOnly(low);
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(limits()).isEqualTo(originals);
    clean.close();

    // A run that dies without restoring (the OS lets go of its ledger): a new backend restores
    // from the ledger alone.
    Ledger crashed = ledger();
    GuardedGpuControl crashing = GuardedGpuControl.create(first, crashed);
    Power lower = between(first.gpus().get(0), 0.1);
    crashing.apply(all(first.gpus(), lower));
    assertThat(rig.limit(1)).isEqualTo(lower);
    crashed.close();
    Ledger afterCrash = ledger();
    List<RestoreResult> results = GuardedGpuControl.restore(backend(), afterCrash);
    assertThat(results).hasSize(3).allMatch(r -> r.status() == RestoreResult.Status.RESTORED);
    assertThat(limits()).isEqualTo(originals);
    assertThat(afterCrash.isEmpty()).isTrue();
  }

  @Test
  void invariant5AnOperatorsLimitIsNoticedOnReadBackAndLeftAlone() {
    GpuControl backend = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(backend, ledger());
    List<Gpu> gpus = backend.gpus();
    Power original = rig.limit(0);
    guard.apply(all(gpus, between(gpus.get(0), 0.5)));
    Power operators = between(gpus.get(0), 0.75);
    rig.setLimitExternally(0, operators);
    int setsBefore = rig.setCalls(0);

    List<LimitOutcome> tick = guard.apply(all(gpus, between(gpus.get(0), 0.4)));
    assertThat(tick).extracting(LimitOutcome::status)
        .containsExactly(Status.HELD_BY_OPERATOR, Status.APPLIED, Status.APPLIED);
    assertThat(guard.states().get(gpus.get(0).uuid()).heldByOperator()).isTrue();
    assertThat(rig.setCalls(0)).isEqualTo(setsBefore);
    assertThat(rig.limit(0)).isEqualTo(operators);
    assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN
        && e.getFormattedMessage().contains("changed by someone else"));

    // The operator's limit is gone (back to the original): control resumes.
    rig.setLimitExternally(0, original);
    Power next = between(gpus.get(0), 0.4);
    assertThat(guard.apply(Map.of(gpus.get(0), next)).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(rig.limit(0)).isEqualTo(next);
  }

  @Test
  void invariant6ShadowModeMakesZeroSetCalls() {
    GpuControl backend = backend();
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.builder(backend, ledger).shadow(true).build();
    for (int tick = 0; tick < 3; tick++) {
      assertThat(guard.apply(all(backend.gpus(), between(backend.gpus().get(0), 0.2 + tick * 0.2))))
          .extracting(LimitOutcome::status).containsOnly(Status.SHADOW);
    }
    guard.restoreAll();
    assertThat(List.of(rig.setCalls(0), rig.setCalls(1), rig.setCalls(2))).containsOnly(0);
    assertThat(ledger.isEmpty()).isTrue();
  }

  @Test
  void atMostOneSetPerGpuPerTickAndHysteresis() {
    GpuControl backend = backend();
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.builder(backend, ledger).minimumStep(Power.ofWatts(10)).build();
    Power target = between(backend.gpus().get(0), 0.5);
    guard.apply(all(backend.gpus(), target));
    assertThat(List.of(rig.setCalls(0), rig.setCalls(1), rig.setCalls(2))).containsOnly(1);
    // One fsync for the tick: three originals and three sets, before any setter.
    assertThat(ledger.forceCount()).isEqualTo(1);
    assertThat(Ledger.read(stateDir).lastSetLimit(backend.gpus().get(2).uuid())).contains(target);
    assertThat(guard.apply(all(backend.gpus(), target.plus(Power.ofWatts(5)))))
        .extracting(LimitOutcome::status).containsOnly(Status.UNCHANGED);
    assertThat(List.of(rig.setCalls(0), rig.setCalls(1), rig.setCalls(2))).containsOnly(1);
  }

  @Test
  void invariant7ALostGpuNeverStopsTheOthersAndIsControlledAgainWhenBack() {
    GpuControl backend = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(backend, ledger());
    List<Gpu> gpus = backend.gpus();
    Power original = rig.limit(1);
    guard.apply(all(gpus, between(gpus.get(0), 0.5)));
    rig.setLost(1, true);

    Power low = between(gpus.get(0), 0.25);
    List<LimitOutcome> tick = guard.apply(all(gpus, low));
    assertThat(tick).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.FAILED, Status.APPLIED);
    assertThat(tick.get(1).fault()).contains(GpuFault.GPU_LOST);
    assertThat(rig.limit(0)).isEqualTo(low);
    assertThat(rig.limit(2)).isEqualTo(low);

    // The GPU comes back reset to its default limit; after the backoff it is controlled again
    // (not mistaken for an operator's change).
    rig.setLost(1, false);
    rig.setLimitExternally(1, original);
    if (rig.retriesAfterBackoff()) {
      assertThat(guard.apply(all(gpus, low)).get(1).status()).isEqualTo(Status.FAILED);
    }
    clock.advance(Duration.ofSeconds(5));
    assertThat(guard.apply(all(gpus, low)).get(1).status()).isEqualTo(Status.APPLIED);
    assertThat(rig.limit(1)).isEqualTo(low);
    assertThat(guard.heldByOperator(gpus.get(1))).isFalse();
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(rig.limit(1)).isEqualTo(original);
  }

  @Test
  void invariant7NoPermissionPutsThatGpuInShadowModeAndSaysWhy() {
    rig.refuseSets(2);
    GpuControl backend = backend();
    GuardedGpuControl guard = GuardedGpuControl.create(backend, ledger());
    List<Gpu> gpus = backend.gpus();
    List<Power> originals = limits();

    List<LimitOutcome> first = guard.apply(all(gpus, between(gpus.get(0), 0.5)));
    assertThat(first).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED, Status.FAILED);
    assertThat(first.get(2).fault()).contains(GpuFault.NO_PERMISSION);
    assertThat(logs.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.ERROR);
      assertThat(e.getFormattedMessage()).contains("needs root or the CAP_SYS_ADMIN capability")
          .contains("continues in shadow mode");
    });
    int refused = rig.setCalls(2);

    Power next = between(gpus.get(0), 0.25);
    List<LimitOutcome> tick = guard.apply(all(gpus, next));
    assertThat(tick).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED, Status.SHADOW);
    assertThat(tick.get(2).detail()).contains("CAP_SYS_ADMIN").contains("would set " + originals.get(2) + " -> " + next);
    assertThat(rig.setCalls(2)).isEqualTo(refused);
    assertThat(guard.states().get(gpus.get(2).uuid()).shadowReason()).hasValueSatisfying(r -> assertThat(r).contains("root"));
    assertThat(guard.states().get(gpus.get(0).uuid()).shadowReason()).isEmpty();
    String code = first.get(2).errorCode().orElseThrow();
    assertThatThrownBy(() -> guard.setPowerLimit(gpus.get(2), next))
        .isInstanceOfSatisfying(GpuException.class, e -> {
          assertThat(e.fault()).isEqualTo(GpuFault.NO_PERMISSION);
          assertThat(e.code()).isEqualTo(code);
        });

    // Restoring skips nothing: the refused GPU was never changed, so it is already at its original.
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(limits()).isEqualTo(originals);
  }
}
