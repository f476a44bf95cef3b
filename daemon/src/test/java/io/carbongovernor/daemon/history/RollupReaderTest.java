package io.carbongovernor.daemon.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.history.RollupReader.Bucket;
import io.carbongovernor.daemon.history.RollupReader.Filter;
import io.carbongovernor.daemon.history.RollupReader.Group;
import io.carbongovernor.daemon.history.RollupReader.Key;
import io.carbongovernor.daemon.history.RollupReader.Rollup;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.policy.batch.Emissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollup reads a report needs, through the seam every history backend implements: written
 * by the daemon's store, read back typed, keyed and ordered as the seam promises.
 */
class RollupReaderTest {

  /** Listed by nvidia-smi as index 0, though its UUID sorts last. */
  private static final Gpu GPU_Z = gpu(0, "GPU-z");
  private static final Gpu GPU_A = gpu(1, "GPU-a");
  /** 23:58 UTC: two minutes before midnight, so the rows span two days and two hours. */
  private static final Instant T0 = Instant.parse("2026-11-02T23:58:00Z");
  private static final Instant FROM = Instant.parse("2026-11-02T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-11-04T00:00:00Z");
  private static final Filter ALL = new Filter(FROM, TO, Optional.empty(), Optional.empty());

  @TempDir Path dir;
  private String url;

  @BeforeEach
  void history() {
    url = "jdbc:sqlite:" + dir.resolve("history.db");
  }

  private static Gpu gpu(int index, String uuid) {
    return new Gpu(index, uuid, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  }

  /**
   * Four one-minute samples from 23:58: GPU-z runs job bert of team vision at 200 W (12 kJ against
   * 15 kJ, 300 g/kWh, 6 s extra, throttled throughout); GPU-a is idle outside any job (3 kJ, no
   * intensity known, profile "none").
   */
  private void write() {
    try (HistoryStore store = HistoryStore.open(url)) {
      for (int m = 0; m < 4; m++) {
        Instant start = T0.plusSeconds(60L * m);
        Instant end = start.plusSeconds(60);
        store.recordEnergy(List.of(
            new EnergyRecord(start, end, GPU_Z, "vision", "bert", Energy.ofJoules(12_000), Energy.ofJoules(15_000),
                Optional.of(CarbonIntensity.gramsPerKwh(300)), Power.ofWatts(200), Power.ofWatts(300),
                Duration.ofSeconds(60), Duration.ofSeconds(6), Duration.ofSeconds(60), "default"),
            new EnergyRecord(start, end, GPU_A, EnergyRecord.IDLE, "", Energy.ofJoules(3_000), Energy.ofJoules(3_000),
                Optional.empty(), Power.ofWatts(300), Power.ofWatts(300),
                Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO, "none")));
      }
    }
  }

  @Test
  void sumsByTeamAreTypedTotalsOfTheHourRollups() throws Exception {
    write();
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      List<Group> teams = history.sumsBy(Key.TEAM, ALL);
      assertThat(teams).extracting(Group::key).containsExactly(EnergyRecord.IDLE, "vision");
      RollupSums vision = teams.get(1).sums();
      assertThat(vision.samples()).isEqualTo(4);
      assertThat(vision.energy()).isEqualTo(Energy.ofJoules(48_000));
      assertThat(vision.baseline()).isEqualTo(Energy.ofJoules(60_000));
      assertThat(vision.emissions().grams()).isCloseTo(48_000 / 3.6e6 * 300, within(1e-9));
      assertThat(vision.baselineEmissions().grams()).isCloseTo(60_000 / 3.6e6 * 300, within(1e-9));
      assertThat(vision.unknownEnergy()).isEqualTo(Energy.ZERO);
      assertThat(vision.limitMilliwattMillis()).isEqualTo(4 * 200_000.0 * 60_000);
      assertThat(vision.busy()).isEqualTo(Duration.ofMinutes(4));
      assertThat(vision.extra()).isEqualTo(Duration.ofSeconds(24));
      assertThat(vision.throttled()).isEqualTo(Duration.ofMinutes(4));
      RollupSums idle = teams.get(0).sums();
      assertThat(idle.unknownEnergy()).isEqualTo(idle.energy()).isEqualTo(Energy.ofJoules(12_000));
      assertThat(idle.emissions()).isEqualTo(Emissions.ZERO);
      assertThat(teams).allSatisfy(g -> assertThat(g.gpuIndices()).isEmpty());
    }
  }

  @Test
  void jobsAreKeyedAsStoredAndAnEmptyJobSelectsEnergyOutsideAnyJob() throws Exception {
    write();
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      assertThat(history.sumsBy(Key.JOB, ALL)).extracting(Group::key).containsExactly("", "bert");
      List<Group> outside = history.sumsBy(Key.TEAM, new Filter(FROM, TO, Optional.empty(), Optional.of("")));
      assertThat(outside).extracting(Group::key).containsExactly(EnergyRecord.IDLE);
      List<Group> bert = history.sumsBy(Key.JOB, new Filter(FROM, TO, Optional.of("vision"), Optional.of("bert")));
      assertThat(bert).singleElement().satisfies(g -> assertThat(g.sums().energy()).isEqualTo(Energy.ofJoules(48_000)));
      assertThat(history.sumsBy(Key.JOB, new Filter(FROM, TO, Optional.of("vision"), Optional.of("")))).isEmpty();
    }
  }

  @Test
  void gpusComeInIndexOrderWithTheirIndicesAndDaysAreUtcDates() throws Exception {
    write();
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      List<Group> gpus = history.sumsBy(Key.GPU, ALL);
      assertThat(gpus).extracting(Group::key).containsExactly("GPU-z", "GPU-a");
      assertThat(gpus).extracting(Group::gpuIndices).containsExactly(List.of(0), List.of(1));
      List<Group> days = history.sumsBy(Key.DAY, ALL);
      assertThat(days).extracting(Group::key).containsExactly("2026-11-02", "2026-11-03");
      assertThat(days).extracting(g -> g.sums().samples()).containsExactly(4L, 4L);
    }
  }

  @Test
  void bucketsOfEachRollupComeOldestFirstThenByTeam() throws Exception {
    write();
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      List<Bucket> minutes = history.buckets(Rollup.MINUTE, ALL);
      assertThat(minutes).hasSize(8);
      assertThat(minutes).extracting(Bucket::start).isSorted().startsWith(T0, T0).endsWith(T0.plusSeconds(180));
      assertThat(minutes.subList(0, 2)).extracting(Bucket::team).containsExactly(EnergyRecord.IDLE, "vision");
      assertThat(minutes).allSatisfy(b -> assertThat(b.sums().samples()).isOne());
      List<Bucket> hours = history.buckets(Rollup.HOUR, ALL);
      assertThat(hours).extracting(Bucket::start).containsExactly(Instant.parse("2026-11-02T23:00:00Z"),
          Instant.parse("2026-11-02T23:00:00Z"), Instant.parse("2026-11-03T00:00:00Z"),
          Instant.parse("2026-11-03T00:00:00Z"));
      assertThat(hours).extracting(b -> b.sums().samples()).containsExactly(2L, 2L, 2L, 2L);
      Filter firstHour = ALL.between(T0, Instant.parse("2026-11-03T00:00:00Z"));
      assertThat(history.buckets(Rollup.MINUTE, firstHour)).hasSize(4);
      assertThat(Rollup.MINUTE.length()).isEqualTo(Duration.ofMinutes(1));
      assertThat(Rollup.HOUR.length()).isEqualTo(Duration.ofHours(1));
    }
  }

  @Test
  void energyByProfileSourceComesLargestFirst() throws Exception {
    write();
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      assertThat(history.energyByProfileSource(ALL)).containsExactly(
          org.assertj.core.api.Assertions.entry("default", Energy.ofJoules(48_000)),
          org.assertj.core.api.Assertions.entry("none", Energy.ofJoules(12_000)));
      assertThat(history.energyByProfileSource(new Filter(TO, TO.plusSeconds(3600), Optional.empty(),
          Optional.empty()))).isEmpty();
    }
  }

  @Test
  void aMissingHistoryIsAnErrorThatCreatesNothing() {
    Path missing = dir.resolve("none.db");
    assertThatThrownBy(() -> RollupReader.openReadOnly("jdbc:sqlite:" + missing))
        .isInstanceOf(HistoryReadException.class);
    assertThat(missing).doesNotExist();
  }

  @Test
  void readingNeverWritesTheHistory() throws Exception {
    write();
    Path db = dir.resolve("history.db");
    byte[] before = Files.readAllBytes(db);
    try (RollupReader history = RollupReader.openReadOnly(url)) {
      history.sumsBy(Key.DAY, ALL);
      history.buckets(Rollup.MINUTE, ALL);
      history.energyByProfileSource(ALL);
    }
    assertThat(Files.readAllBytes(db)).isEqualTo(before);
    assertThat(new ArrayList<>(List.of(dir.toFile().list()))).containsExactly("history.db");
  }
}
