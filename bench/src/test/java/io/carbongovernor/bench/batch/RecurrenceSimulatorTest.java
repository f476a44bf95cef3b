package io.carbongovernor.bench.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.policy.batch.BatchSizeAdvisor;
import io.carbongovernor.policy.batch.JobKey;
import io.carbongovernor.policy.batch.JobSpec;
import io.carbongovernor.policy.batch.TimeWeight;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecurrenceSimulatorTest {

  private static final String TRAIN = """
      dataset,network,batch_size,optimizer,learning_rate,run,target_metric,target_epoch
      d,n,8,adam,1e-3,1,0.5,4
      d,n,8,adam,1e-3,2,0.5,nan
      d,n,8,adam,1e-3,1,0.7,9
      d,n,16,adam,1e-3,1,0.5,2
      """;

  /** 8: 10 s and 200 W per epoch at 300 W; 16: 8 s and 250 W. */
  private static PowerProfile profile(double seconds, double watts) {
    return PowerProfile.of("test", List.of(
        new PowerProfile.Point(Power.ofWatts(100), Duration.ofSeconds(20), Power.ofWatts(100)),
        new PowerProfile.Point(Power.ofWatts(300), Duration.ofMillis(Math.round(seconds * 1000)), Power.ofWatts(watts))));
  }

  private static RecurrenceSimulator simulator(Path dir, Grid grid) throws IOException {
    Path train = Files.writeString(dir.resolve("summary_train.csv"), TRAIN);
    TrainingPaths paths = TrainingPaths.read(train);
    assertThat(paths.batchSizes("d/n", "adam", 0.5)).containsExactly(8, 16);
    Workload workload = new Workload("d/n", "adam", 0.5, 5, 8);
    JobSpec job = JobSpec.of(new JobKey("eval", "d/n"), List.of(8, 16), OptionalInt.of(8), TimeWeight.ZERO);
    return new RecurrenceSimulator(workload, job,
        Map.of(8, paths.runs("d/n", "adam", 0.5, 8), 16, paths.runs("d/n", "adam", 0.5, 16)),
        Map.of(8, profile(10, 200), 16, profile(8, 250)), Power.ofWatts(300), grid);
  }

  @Test
  void aFixedSizeCostsItsEpochsTimesItsEnergyPerEpoch(@TempDir Path dir) throws IOException {
    RecurrenceSimulator sim = simulator(dir, Grid.constant(360));
    RecurrenceSimulator.Totals at16 = sim.simulate(Strategy.fixed(16), 5, 1);
    // 5 recurrences x 2 epochs x 8 s x 250 W = 20 kJ; at 360 g/kWh, 2 g.
    assertThat(at16.kwh()).isCloseTo(20_000 / 3.6e6, Offset.offset(1e-9));
    assertThat(at16.grams()).isCloseTo(2.0, Offset.offset(1e-9));
    assertThat(at16.seconds()).isCloseTo(80, Offset.offset(1e-6));
    assertThat(at16.runs()).isEqualTo(5);
    assertThat(at16.feasible()).isTrue();
  }

  @Test
  void aRunThatMissesTheTargetRunsToMaxEpochsAndIsRetried(@TempDir Path dir) throws IOException {
    RecurrenceSimulator.Totals at8 = simulator(dir, Grid.constant(360)).simulate(Strategy.fixed(8), 20, 3);
    // A run reaches in 4 epochs (8 kJ) or misses and runs all 5 (10 kJ); half the paths miss.
    int misses = at8.runs() - 20;
    assertThat(misses).isPositive();
    assertThat(at8.kwh() * 3.6e6).isCloseTo(20 * 8_000 + misses * 10_000, Offset.offset(1e-3));
  }

  @Test
  void theAdvisorSettlesOnTheCheaperSize(@TempDir Path dir) throws IOException {
    RecurrenceSimulator.Totals advised = simulator(dir, Grid.constant(360)).simulate(Strategy.advisor(BatchSizeAdvisor.zeus()), 20, 1);
    assertThat(advised.choices().get(0)).as("the default first").isEqualTo(8);
    assertThat(advised.recurrences().get(19).finalSize()).isEqualTo(16);
    assertThat(advised.feasible()).isTrue();
  }

  @Test
  void anHourlyGridWrapsAtTheEndOfTheTrace() {
    Instant start = Instant.parse("2023-01-01T00:00:00Z");
    CarbonTrace trace = CarbonTrace.of("X", List.of(
        new CarbonTrace.Slot(start, start.plusSeconds(3600), CarbonIntensity.gramsPerKwh(100), false),
        new CarbonTrace.Slot(start.plusSeconds(3600), start.plusSeconds(7200), CarbonIntensity.gramsPerKwh(300), false)));
    Grid grid = Grid.hourly(trace, "x");
    assertThat(grid.hours()).isEqualTo(2);
    assertThat(grid.intensityAt(1, 10)).isEqualTo(300);
    assertThat(grid.intensityAt(1, 3600)).isEqualTo(100);
  }

  @Test
  void aBrokenTrainingTraceNamesTheLine(@TempDir Path dir) throws IOException {
    Path bad = Files.writeString(dir.resolve("summary_train.csv"), TRAIN + "d,n,eight,adam,1e-3,1,0.5,4\n");
    assertThatThrownBy(() -> TrainingPaths.read(bad)).isInstanceOf(IOException.class).hasMessageContaining("summary_train.csv:6:");
  }
}
