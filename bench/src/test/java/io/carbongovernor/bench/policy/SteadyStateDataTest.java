package io.carbongovernor.bench.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.carbon.TraceColumn;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.sim.Simulator;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The two years {@code bench/steady-state} joins: California 2022 runs up to where 2023 begins. */
class SteadyStateDataTest {

  // Surefire runs in the module's directory.
  private static final Path ROOT = Path.of("..");

  @Test
  void theYearBeforeIsHistoryRightUpToTheTracesStart() throws IOException {
    CarbonTrace before = CarbonTrace.read(ROOT.resolve("bench/data/CISO_2022_eia930_lifecycle.csv"));
    CarbonTrace year = CarbonTrace.read(ROOT.resolve("traces/US-CAL-CISO_2023_hourly.csv"), TraceColumn.LIFECYCLE);
    assertThat(before.slots()).hasSize(8757);
    // The three dropped hours are gaps: the hour before each lasts two.
    assertThat(before.slots()).filteredOn(s -> s.length().equals(Duration.ofHours(2)))
        .extracting(CarbonTrace.Slot::start)
        .containsExactly(Instant.parse("2022-01-05T09:00:00Z"), Instant.parse("2022-05-17T17:00:00Z"),
            Instant.parse("2022-06-13T17:00:00Z"));
    Simulator sim = Simulator.create(year, PolicyMatrix.gpu("a40"),
            ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256))
        .withHistory(before);
    assertThat(sim.history()).hasSize(8757);
    assertThat(sim.history().get(0).start()).isEqualTo(Instant.parse("2022-01-01T00:00:00Z"));
    assertThat(sim.history().get(8756).end()).isEqualTo(sim.traceStart()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
  }
}
