package io.carbongovernor.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SimulatedGpusTest {

  private final TestClock clock = new TestClock();
  private final PowerProfile resnet = ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256);
  private final SimulatedGpuControl sim = SimulatedGpus.create("a40", 2, resnet, clock);
  private final Gpu gpu0 = sim.gpus().get(0);

  @Test
  void describesA40s() {
    assertThat(sim.gpus()).extracting(Gpu::uuid)
        .containsExactly("GPU-5a5a0000-0000-4000-8000-000000000000", "GPU-5a5a0000-0000-4000-8000-000000000001");
    assertThat(gpu0.name()).isEqualTo("NVIDIA A40 (simulated)");
    assertThat(gpu0.constraints()).isEqualTo(new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)));
    assertThat(gpu0.defaultLimit()).isEqualTo(Power.ofWatts(300));
    GpuSample s = sim.sample(gpu0);
    assertThat(s.limit()).isEqualTo(Power.ofWatts(300));
    assertThat(s.enforcedLimit()).isEqualTo(Power.ofWatts(300));
    assertThat(s.utilisationPercent()).isEqualTo(100);
    assertThat(s.smClockMhz()).isEqualTo(1740);
  }

  @Test
  void v100DefaultsToItsOwnProfile() {
    SimulatedGpuControl v100 = SimulatedGpus.builder().model("v100").count(1).clock(clock).build();
    Gpu gpu = v100.gpus().get(0);
    assertThat(gpu.constraints()).isEqualTo(new PowerConstraints(Power.ofWatts(100), Power.ofWatts(250)));
    assertThat(gpu.defaultLimit()).isEqualTo(Power.ofWatts(250));
    // Zeus V100 imagenet/resnet50 bs=256 at 250 W: 220.25029530245453 W.
    assertThat(v100.sample(gpu).power()).isEqualTo(Power.ofMilliwatts(220_250));
    assertThatThrownBy(() -> SimulatedGpus.Model.of("h100")).hasMessageContaining("a40, v100");
  }

  @Test
  void energyIntegratesPowerPiecewiseOverTheClock() {
    assertThat(sim.sample(gpu0).energy()).contains(Energy.ZERO);
    // 300 W limit draws 235.205 W (Zeus A40 row); 10 s -> 2352.05 J.
    clock.advance(Duration.ofSeconds(10));
    assertThat(sim.sample(gpu0).energy()).contains(Energy.ofMillijoules(2_352_050));
    // The set integrates the old power up to its instant; then 150 W draws 144.608 W for 15 s.
    clock.advance(Duration.ofSeconds(5));
    sim.setPowerLimit(gpu0, Power.ofWatts(150));
    clock.advance(Duration.ofSeconds(15));
    GpuSample s = sim.sample(gpu0);
    assertThat(s.power()).isEqualTo(Power.ofMilliwatts(144_608));
    assertThat(s.energy()).contains(Energy.ofMillijoules(3_528_075 + 2_169_120));
    // The other GPU kept 300 W for the whole 30 s.
    assertThat(sim.sample(sim.gpus().get(1)).energy()).contains(Energy.ofMillijoules(7_056_150));
  }

  @Test
  void externalChangeAlsoIntegratesFirst() {
    clock.advance(Duration.ofSeconds(1));
    sim.setLimitExternally(gpu0, Power.ofWatts(200));
    clock.advance(Duration.ofSeconds(1));
    // 235.205 J at 300 W, then 177.583 J at 200 W (Zeus: 177.58308264413765 W).
    assertThat(sim.sample(gpu0).energy()).contains(Energy.ofMillijoules(235_205 + 177_583));
    assertThat(sim.setCalls(gpu0)).isZero();
  }

  @Test
  void powerNeverAboveTheLimit() {
    // Zeus measured 120.7 W average at a 100 W limit.
    sim.setPowerLimit(gpu0, Power.ofWatts(100));
    assertThat(sim.sample(gpu0).power()).isEqualTo(Power.ofWatts(100));
  }

  @Test
  void smClockFollowsRelativeThroughput() {
    sim.setPowerLimit(gpu0, Power.ofWatts(150));
    // 1740 MHz * 3847.48 s / 6326.84 s = 1058.1
    assertThat(sim.sample(gpu0).smClockMhz()).isEqualTo(1058);
  }

  @Test
  void rejectsLimitsOutsideConstraintsLikeNvml() {
    assertThatThrownBy(() -> sim.setPowerLimit(gpu0, Power.ofWatts(99)))
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.code()).isEqualTo("INVALID_ARGUMENT"));
    assertThat(sim.setCalls(gpu0)).isEqualTo(1);
    assertThat(sim.sample(gpu0).limit()).isEqualTo(Power.ofWatts(300));
  }

  @Test
  void failureHooks() {
    Gpu gpu1 = sim.gpus().get(1);
    sim.fail(gpu0, GpuFault.GPU_LOST);
    sim.failSets(gpu1, GpuFault.NO_PERMISSION);
    assertThatThrownBy(() -> sim.sample(gpu0)).hasMessageContaining("GPU_LOST");
    assertThatThrownBy(() -> sim.processes(gpu0)).isInstanceOf(GpuException.class);
    assertThat(sim.sample(gpu1).limit()).isEqualTo(Power.ofWatts(300));
    assertThatThrownBy(() -> sim.setPowerLimit(gpu1, Power.ofWatts(200)))
        .isInstanceOfSatisfying(GpuException.class, e -> assertThat(e.code()).isEqualTo("NO_PERMISSION"));
    assertThat(sim.setCalls(gpu1)).isEqualTo(1);
    assertThat(sim.totalSetCalls()).isEqualTo(1);
    sim.recover(gpu0);
    sim.recover(gpu1);
    sim.setPowerLimit(gpu1, Power.ofWatts(200));
    assertThat(sim.sample(gpu0).limit()).isEqualTo(Power.ofWatts(300));
    assertThat(sim.sample(gpu1).limit()).isEqualTo(Power.ofWatts(200));
  }

  @Test
  void processesAndCounterReset() {
    SimulatedGpuControl s = SimulatedGpus.builder().count(2).firstPid(4242).processMemoryBytes(1024).clock(clock).build();
    assertThat(s.processes(s.gpus().get(1))).containsExactly(new GpuProcess(4243, 1024));
    s.setProcesses(s.gpus().get(1), List.of());
    assertThat(s.processes(s.gpus().get(1))).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    s.resetEnergyCounter(s.gpus().get(0));
    assertThat(s.sample(s.gpus().get(0)).energy()).contains(Energy.ZERO);
  }

  @Test
  void byDefaultEveryGpuRunsOneProcessNobodyOwnsWithAPidNoRealProcessHas() {
    List<GpuProcess> all = sim.gpus().stream().flatMap(g -> sim.processes(g).stream()).toList();
    assertThat(all).extracting(GpuProcess::pid).containsExactly(SimulatedGpus.FIRST_PID, SimulatedGpus.FIRST_PID + 1);
    assertThat(all).allSatisfy(p -> {
      assertThat(SimulatedGpus.beyondKernelPids(p.pid())).isTrue();
      assertThat(sim.accountOf(p.pid())).isEmpty();
    });
    assertThat(SimulatedGpus.beyondKernelPids(SimulatedGpus.KERNEL_PID_LIMIT)).isFalse();
  }

  @Test
  void configuredWorkRunsUnderItsSimulatedAccounts() {
    SimulatedAccount ana = new SimulatedAccount("ana", List.of("vision"));
    SimulatedAccount raj = new SimulatedAccount("raj", List.of("nlp", "staff"));
    SimulatedGpuControl s = SimulatedGpus.builder().count(3).clock(clock).processMemoryBytes(1024)
        .work(List.of(new SimulatedWork(0, Optional.of(ana)), new SimulatedWork(0, Optional.of(raj)),
            new SimulatedWork(2, Optional.empty())))
        .build();
    long first = SimulatedGpus.FIRST_PID;
    assertThat(s.processes(s.gpus().get(0))).containsExactly(new GpuProcess(first, 1024), new GpuProcess(first + 1, 1024));
    assertThat(s.processes(s.gpus().get(1))).as("no work listed: idle").isEmpty();
    assertThat(s.processes(s.gpus().get(2))).containsExactly(new GpuProcess(first + 2, 1024));
    assertThat(s.accountOf(first)).contains(ana);
    assertThat(s.accountOf(first + 1)).contains(raj);
    assertThat(s.accountOf(first + 2)).as("work without an account").isEmpty();
    assertThat(s.accountOf(4242)).isEmpty();
  }

  @Test
  void workWithAnAccountNeedsPidsNoRealProcessHasAndAGpuThatExists() {
    List<SimulatedWork> owned = List.of(new SimulatedWork(0, Optional.of(new SimulatedAccount("ana", List.of()))));
    assertThatThrownBy(() -> SimulatedGpus.builder().count(1).firstPid(4242).work(owned).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above 4194304");
    assertThatThrownBy(() -> SimulatedGpus.builder().count(1).work(List.of(new SimulatedWork(1, Optional.empty()))).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GPU 1, but there are 1 GPU(s)");
    assertThatThrownBy(() -> new SimulatedAccount(" ", List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closedBackendFails() {
    sim.close();
    assertThatThrownBy(sim::gpus).isInstanceOf(GpuException.class).hasMessageContaining("LIBRARY_UNUSABLE");
  }
}
