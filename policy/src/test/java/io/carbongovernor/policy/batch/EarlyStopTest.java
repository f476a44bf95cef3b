package io.carbongovernor.policy.batch;

import static io.carbongovernor.policy.batch.SyntheticWorld.outcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonIntensity;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class EarlyStopTest {

  private static final JobKey KEY = new JobKey("speech", "deepspeech2");
  private static final CarbonIntensity GRID = CarbonIntensity.gramsPerKwh(100);
  private static final BatchSizeAdvisor ZEUS = BatchSizeAdvisor.zeus();
  private static final JobSpec JOB = JobSpec.of(KEY, List.of(16, 32, 64), OptionalInt.of(32), TimeWeight.ZERO);

  private static RunProgress progress(int size, double kwh, CarbonIntensity intensity) {
    return new RunProgress(size, SyntheticWorld.energy(kwh), SyntheticWorld.duration(3600), SyntheticWorld.emissions(kwh, intensity));
  }

  @Test
  void stopsOnceTheCostPassesBetaTimesTheBestRun() {
    // Best run: 1 kWh at 100 g/kWh = 100 g; a slower one and a failed one do not lower the bar.
    AdvisorState s = ZEUS.observe(AdvisorState.empty(), JOB, outcome(32, 1, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(16, 1.5, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(64, 0.2, 600, GRID, false, 1));

    StopAdvice under = ZEUS.shouldStop(s, JOB, progress(16, 1.99, GRID));
    assertThat(under.stop()).isFalse();
    assertThat(under.thresholdGrams().orElseThrow()).isCloseTo(200, org.assertj.core.data.Offset.offset(1e-6));

    StopAdvice over = ZEUS.shouldStop(s, JOB, progress(16, 2.01, GRID));
    assertThat(over.stop()).isTrue();
    assertThat(over.costGrams()).isCloseTo(201, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(over.reason()).contains("> 200.0 g-eq");
  }

  @Test
  void betaIsASetting() {
    AdvisorState s = ZEUS.observe(AdvisorState.empty(), JOB, outcome(32, 1, 3600, GRID, true, 5));
    BatchSizeAdvisor strict = BatchSizeAdvisor.create(new AdvisorSettings(1.5, 2, 0, 2, 1));
    assertThat(strict.shouldStop(s, JOB, progress(16, 1.6, GRID)).stop()).isTrue();
    assertThat(ZEUS.shouldStop(s, JOB, progress(16, 1.6, GRID)).stop()).isFalse();
  }

  @Test
  void neverStopsBeforeAnyRunReachedTheTarget() {
    AdvisorState s = ZEUS.observe(AdvisorState.empty(), JOB, outcome(32, 0.1, 3600, GRID, false, 5));
    StopAdvice advice = ZEUS.shouldStop(s, JOB, progress(16, 1000, GRID));
    assertThat(advice.stop()).isFalse();
    assertThat(advice.thresholdGrams()).isEmpty();
    assertThat(advice.reason()).contains("no run of speech/deepspeech2 has reached its target");
  }

  @Test
  void theBestRunIsPricedAtTheRunningJobsIntensity() {
    // The best run used 1 kWh at a clean 100 g/kWh (100 g). A run now at 300 g/kWh has used
    // 1.5 kWh (450 g): over twice 100 g, but under twice what the best run would emit at 300.
    AdvisorState s = ZEUS.observe(AdvisorState.empty(), JOB, outcome(32, 1, 3600, GRID, true, 5));
    CarbonIntensity dirty = CarbonIntensity.gramsPerKwh(300);
    StopAdvice advice = ZEUS.shouldStop(s, JOB, progress(32, 1.5, dirty));
    assertThat(advice.stop()).isFalse();
    assertThat(advice.thresholdGrams().orElseThrow()).isCloseTo(600, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(ZEUS.shouldStop(s, JOB, progress(32, 2.1, dirty)).stop()).isTrue();
  }

  @Test
  void timeCountsAtTheTeamsPrice() {
    JobSpec timed = JobSpec.of(KEY, List.of(16, 32, 64), OptionalInt.of(32), TimeWeight.gramsPerSecond(0.1));
    // Best: 1 kWh (100 g) + 1 h at 0.1 g/s (360 g) = 460 g; threshold 920 g.
    AdvisorState s = ZEUS.observe(AdvisorState.empty(), timed, outcome(32, 1, 3600, GRID, true, 5));
    RunProgress slow = new RunProgress(16, SyntheticWorld.energy(1), SyntheticWorld.duration(3 * 3600), SyntheticWorld.emissions(1, GRID));
    StopAdvice advice = ZEUS.shouldStop(s, timed, slow);
    assertThat(advice.costGrams()).isCloseTo(100 + 1080, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(advice.stop()).isTrue();
  }

  @Test
  void aPrunedSizeNoLongerSetsTheBar() {
    // 16 reached once very cheaply, then failed in round 2 and was pruned: the bar is the best
    // run of the survivors (32: 1 kWh), not 16's lucky 0.3 kWh.
    AdvisorState s = AdvisorState.empty();
    s = ZEUS.observe(s, JOB, outcome(32, 1, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(16, 0.3, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(64, 1.2, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(16, 0.7, 3600, GRID, false, 2));
    s = ZEUS.observe(s, JOB, outcome(32, 1, 3600, GRID, true, 5));
    s = ZEUS.observe(s, JOB, outcome(64, 1.1, 3600, GRID, true, 5));
    assertThat(ZEUS.recommend(s, JOB, GRID).candidates()).containsExactly(32, 64);
    StopAdvice advice = ZEUS.shouldStop(s, JOB, progress(64, 1.5, GRID));
    assertThat(advice.thresholdGrams().orElseThrow()).isCloseTo(200, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(advice.stop()).isFalse();
  }
}
