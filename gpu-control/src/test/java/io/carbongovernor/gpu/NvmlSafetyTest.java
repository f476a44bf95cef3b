package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.carbongovernor.gpu.LimitOutcome.Status;
import io.carbongovernor.gpu.nvml.FakeNvml;
import io.carbongovernor.gpu.nvml.NvmlGpuControl;
import io.carbongovernor.gpu.nvml.NvmlGpus;
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
 * The safety invariants of docs/architecture.md, through the safety layer, the production NVML binding and the
 * fake libnvidia-ml.so.1: what the fake's GPUs end up with is what real ones would.
 */
class NvmlSafetyTest {

  @TempDir Path stateDir;

  private final FakeNvml fake = FakeNvml.load(FakeNvml.path());
  private final TestClock clock = new TestClock();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final ch.qos.logback.classic.Logger safetyLog =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("safety");
  private final List<NvmlGpuControl> opened = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fake.fakeNvmlSetDeviceCount(3);
    logs.start();
    safetyLog.addAppender(logs);
  }

  @AfterEach
  void tearDown() {
    safetyLog.detachAppender(logs);
    opened.forEach(NvmlGpuControl::close);
  }

  private NvmlGpuControl nvml() {
    NvmlGpuControl n = NvmlGpus.builder().library(FakeNvml.path()).clock(clock)
        .retryBackoff(Duration.ofSeconds(5), Duration.ofMinutes(5)).open();
    opened.add(n);
    return n;
  }

  private Ledger ledger() {
    return Ledger.open(stateDir, clock);
  }

  private static Power w(double watts) {
    return Power.ofWatts(watts);
  }

  private int limitW(int index) {
    return fake.fakeNvmlLimit(index) / 1000;
  }

  private static Map<Gpu, Power> all(List<Gpu> gpus, Power target) {
    Map<Gpu, Power> m = new LinkedHashMap<>();
    gpus.forEach(g -> m.put(g, target));
    return m;
  }

  @Test
  void invariant1NeverALimitOutsideMinMax() {
    NvmlGpuControl nvml = nvml();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, ledger());
    List<Gpu> gpus = nvml.gpus();
    LimitOutcome low = guard.apply(Map.of(gpus.get(0), w(10))).get(0);
    LimitOutcome high = guard.apply(Map.of(gpus.get(1), w(5000))).get(0);
    assertThat(low.target()).isEqualTo(w(100));
    assertThat(low.clamped()).isTrue();
    assertThat(limitW(0)).isEqualTo(100);
    assertThat(high.status()).isEqualTo(Status.UNCHANGED); // clamped to 300 W, where it already is
    assertThat(limitW(1)).isEqualTo(300);
  }

  @Test
  void invariant2OriginalIsLedgeredAndSyncedBeforeTheFirstChange() throws IOException {
    Ledger ledger = ledger();
    List<String> ledgerAtSet = new ArrayList<>();
    NvmlGpuControl nvml = nvml();
    GpuControl observed = new ForwardingGpuControl(nvml) {
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
    Gpu gpu = nvml.gpus().get(2);
    guard.apply(Map.of(gpu, w(200)));
    assertThat(ledgerAtSet.get(0)).contains("\"type\":\"original\"").contains(gpu.uuid()).contains("300000")
        .contains("\"new_mw\":200000");
    assertThat(ledger.forceCount()).isEqualTo(1); // the original and the set, in one fsync before the setter
    assertThat(Ledger.read(stateDir).originalLimits()).containsEntry(gpu.uuid(), w(300));
  }

  @Test
  void invariant3RestoreOnCleanExitAndAfterACrash() {
    NvmlGpuControl first = nvml();
    Ledger clean = ledger();
    GuardedGpuControl guard = GuardedGpuControl.create(first, clean);
    guard.apply(all(first.gpus(), w(150)));
    assertThat(List.of(limitW(0), limitW(1), limitW(2))).containsOnly(150);
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(List.of(limitW(0), limitW(1), limitW(2))).containsOnly(300);
    clean.close();

    // A run that dies without restoring (the OS lets go of its ledger): a new process restores
    // from the ledger alone.
    Ledger crashed = ledger();
    GuardedGpuControl crashing = GuardedGpuControl.create(first, crashed);
    crashing.apply(all(first.gpus(), w(120)));
    assertThat(limitW(1)).isEqualTo(120);
    crashed.close();
    Ledger afterCrash = ledger();
    List<RestoreResult> results = GuardedGpuControl.restore(nvml(), afterCrash);
    assertThat(results).hasSize(3).allMatch(r -> r.status() == RestoreResult.Status.RESTORED);
    assertThat(List.of(limitW(0), limitW(1), limitW(2))).containsOnly(300);
    assertThat(afterCrash.isEmpty()).isTrue();
  }

  @Test
  void invariant5AnOperatorsLimitIsNoticedOnReadBackAndLeftAlone() {
    NvmlGpuControl nvml = nvml();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, ledger());
    List<Gpu> gpus = nvml.gpus();
    guard.apply(all(gpus, w(200)));
    fake.fakeNvmlSetLimitExternally(0, 250_000); // nvidia-smi -pl 250
    int setsBefore = fake.fakeNvmlSetCalls(0);

    List<LimitOutcome> tick = guard.apply(all(gpus, w(180)));
    assertThat(tick).extracting(LimitOutcome::status)
        .containsExactly(Status.HELD_BY_OPERATOR, Status.APPLIED, Status.APPLIED);
    assertThat(guard.states().get(gpus.get(0).uuid()).heldByOperator()).isTrue();
    assertThat(fake.fakeNvmlSetCalls(0)).isEqualTo(setsBefore);
    assertThat(limitW(0)).isEqualTo(250);
    assertThat(logs.list).anyMatch(e -> e.getLevel() == Level.WARN
        && e.getFormattedMessage().contains("changed by someone else"));

    // The operator's limit is gone (back to the original): control resumes.
    fake.fakeNvmlSetLimitExternally(0, 300_000);
    assertThat(guard.apply(Map.of(gpus.get(0), w(180))).get(0).status()).isEqualTo(Status.APPLIED);
    assertThat(limitW(0)).isEqualTo(180);
  }

  @Test
  void readBackComparesLimitWithTheEnforcedLimit() {
    NvmlGpuControl nvml = nvml();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, ledger());
    fake.fakeNvmlSetOobCap(1, 160_000);
    LimitOutcome outcome = guard.apply(Map.of(nvml.gpus().get(1), w(200))).get(0);
    assertThat(outcome.status()).isEqualTo(Status.APPLIED);
    assertThat(outcome.detail()).contains("read back limit 200 W, enforced 160 W");
  }

  @Test
  void invariant6ShadowModeMakesZeroSetCalls() {
    NvmlGpuControl nvml = nvml();
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.builder(nvml, ledger).shadow(true).build();
    for (int tick = 0; tick < 3; tick++) {
      assertThat(guard.apply(all(nvml.gpus(), w(150 + tick * 20))))
          .extracting(LimitOutcome::status).containsOnly(Status.SHADOW);
    }
    guard.restoreAll();
    assertThat(List.of(fake.fakeNvmlSetCalls(0), fake.fakeNvmlSetCalls(1), fake.fakeNvmlSetCalls(2))).containsOnly(0);
    assertThat(ledger.isEmpty()).isTrue();
  }

  @Test
  void atMostOneSetPerGpuPerTickAndHysteresis() {
    NvmlGpuControl nvml = nvml();
    Ledger ledger = ledger();
    GuardedGpuControl guard = GuardedGpuControl.builder(nvml, ledger).minimumStep(w(10)).build();
    guard.apply(all(nvml.gpus(), w(200)));
    assertThat(List.of(fake.fakeNvmlSetCalls(0), fake.fakeNvmlSetCalls(1), fake.fakeNvmlSetCalls(2))).containsOnly(1);
    // One fsync for the tick: three originals and three sets, before any setter.
    assertThat(ledger.forceCount()).isEqualTo(1);
    assertThat(Ledger.read(stateDir).lastSetLimit(nvml.gpus().get(2).uuid())).contains(w(200));
    assertThat(guard.apply(all(nvml.gpus(), w(205)))).extracting(LimitOutcome::status).containsOnly(Status.UNCHANGED);
    assertThat(List.of(fake.fakeNvmlSetCalls(0), fake.fakeNvmlSetCalls(1), fake.fakeNvmlSetCalls(2))).containsOnly(1);
  }

  @Test
  void invariant7ALostGpuNeverStopsTheOthersAndIsControlledAgainWhenBack() {
    NvmlGpuControl nvml = nvml();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, ledger());
    List<Gpu> gpus = nvml.gpus();
    guard.apply(all(gpus, w(200)));
    fake.fakeNvmlSetLost(1, 1);

    List<LimitOutcome> tick = guard.apply(all(gpus, w(150)));
    assertThat(tick).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.FAILED, Status.APPLIED);
    assertThat(tick.get(1).errorCode()).contains("NVML_ERROR_GPU_IS_LOST");
    assertThat(limitW(0)).isEqualTo(150);
    assertThat(limitW(2)).isEqualTo(150);

    // The GPU comes back reset to its default limit; after the backoff it is controlled again
    // (not mistaken for an operator's change).
    fake.fakeNvmlSetLost(1, 0);
    fake.fakeNvmlSetLimitExternally(1, 300_000);
    assertThat(guard.apply(all(gpus, w(150))).get(1).status()).isEqualTo(Status.FAILED);
    clock.advance(Duration.ofSeconds(5));
    assertThat(guard.apply(all(gpus, w(150))).get(1).status()).isEqualTo(Status.APPLIED);
    assertThat(limitW(1)).isEqualTo(150);
    assertThat(guard.heldByOperator(gpus.get(1))).isFalse();
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(List.of(limitW(0), limitW(1), limitW(2))).containsOnly(300);
  }

  @Test
  void invariant7NoPermissionPutsThatGpuInShadowModeAndSaysWhy() {
    fake.fakeNvmlFailDevice("nvmlDeviceSetPowerManagementLimit", 2, 4, -1);
    NvmlGpuControl nvml = nvml();
    GuardedGpuControl guard = GuardedGpuControl.create(nvml, ledger());
    List<Gpu> gpus = nvml.gpus();

    List<LimitOutcome> first = guard.apply(all(gpus, w(200)));
    assertThat(first).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED, Status.FAILED);
    assertThat(first.get(2).errorCode()).contains("NVML_ERROR_NO_PERMISSION");
    assertThat(logs.list).anySatisfy(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.ERROR);
      assertThat(e.getFormattedMessage()).contains("needs root or the CAP_SYS_ADMIN capability")
          .contains("continues in shadow mode");
    });
    int refused = fake.fakeNvmlSetCalls(2);

    List<LimitOutcome> next = guard.apply(all(gpus, w(150)));
    assertThat(next).extracting(LimitOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED, Status.SHADOW);
    assertThat(next.get(2).detail()).contains("CAP_SYS_ADMIN").contains("would set 300 W -> 150 W");
    assertThat(fake.fakeNvmlSetCalls(2)).isEqualTo(refused);
    assertThat(guard.states().get(gpus.get(2).uuid()).shadowReason()).hasValueSatisfying(r -> assertThat(r).contains("root"));
    assertThat(guard.states().get(gpus.get(0).uuid()).shadowReason()).isEmpty();
    assertThatThrownBy(() -> guard.setPowerLimit(gpus.get(2), w(120)))
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.code()).isEqualTo("NVML_ERROR_NO_PERMISSION"));

    // Restoring skips nothing: the refused GPU was never changed, so it is already at its original.
    assertThat(guard.restoreAll()).allMatch(RestoreResult::succeeded);
    assertThat(List.of(limitW(0), limitW(1), limitW(2))).containsOnly(300);
  }
}
