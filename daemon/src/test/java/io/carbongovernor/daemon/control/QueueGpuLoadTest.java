package io.carbongovernor.daemon.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.LimitOutcome;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The load the daemon gives the queue for choosing GPUs: whose work the last tick saw on each. */
class QueueGpuLoadTest {

  private static Gpu gpu(int index) {
    return new Gpu(index, "GPU-" + index, "NVIDIA A40",
        new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  }

  private static TickReport.GpuReport seen(int index, List<String> teams) {
    return new TickReport.GpuReport(gpu(index), Power.ofWatts(300), Power.ofWatts(300),
        Optional.of(Power.ofWatts(300)), LimitOutcome.Status.UNCHANGED, teams, "static", "cap");
  }

  @Test
  void aGpuIsAsBusyAsTheWorkTheLastTickSawOnIt() {
    TickReport last = new TickReport(Instant.parse("2026-03-01T12:00:00Z"), Optional.empty(), List.of(),
        Optional.empty(),
        List.of(seen(0, List.of("vision")), seen(1, List.of("nlp", "(default)")), seen(2, List.of())), Map.of());
    ToIntFunction<Gpu> load = Daemon.workOn(Optional.of(last));
    assertThat(load.applyAsInt(gpu(0))).isEqualTo(1);
    assertThat(load.applyAsInt(gpu(1))).isEqualTo(2);
    assertThat(load.applyAsInt(gpu(2))).isZero();
    assertThat(load.applyAsInt(gpu(3))).as("a GPU the tick did not report").isZero();
    assertThat(Daemon.workOn(Optional.empty()).applyAsInt(gpu(0))).as("before the first tick").isZero();
  }
}
