package io.carbongovernor.daemon.history.postgres;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Node histories for fleet tests, written through the daemon's own store: one-minute samples
 * every half hour from 2026-11-01 20:00 to 2026-11-04 06:00 UTC, so they cross three midnights.
 */
public final class FleetHistory {

  public static final Instant FIRST = Instant.parse("2026-11-01T20:00:00Z");
  public static final Instant END = Instant.parse("2026-11-04T06:00:00Z");

  private FleetHistory() {}

  public static Gpu gpu(int index, String uuid) {
    return new Gpu(index, uuid, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300));
  }

  /**
   * Node A: GPU-z (index 0) runs team vision's job bert, throttled, at known intensity; GPU-a
   * idles outside any job with no intensity known; GPU-m serves team nlp's job gpt and comes back
   * as index 3 instead of 2 after a reboot at 2026-11-02 13:00.
   */
  public static void writeNodeA(String sqliteUrl) {
    write(sqliteUrl, (t, i) -> {
      List<EnergyRecord> out = new ArrayList<>();
      Instant end = t.plusSeconds(60);
      out.add(new EnergyRecord(t, end, gpu(0, "GPU-z"), "vision", "bert", Energy.ofJoules(12_000 + i),
          Energy.ofJoules(15_000 + 2L * i), Optional.of(CarbonIntensity.gramsPerKwh(200 + i % 7 * 10)),
          Power.ofWatts(200), Power.ofWatts(300), Duration.ofSeconds(60), Duration.ofSeconds(6),
          Duration.ofSeconds(60), "default"));
      out.add(new EnergyRecord(t, end, gpu(1, "GPU-a"), EnergyRecord.IDLE, "", Energy.ofJoules(3_000),
          Energy.ofJoules(3_000), Optional.empty(), Power.ofWatts(300), Power.ofWatts(300),
          Duration.ofSeconds(60), Duration.ZERO, Duration.ZERO, "none"));
      int index = t.isBefore(Instant.parse("2026-11-02T13:00:00Z")) ? 2 : 3;
      out.add(new EnergyRecord(t, end, gpu(index, "GPU-m"), "nlp", "gpt", Energy.ofJoules(9_000 + 3L * i),
          Energy.ofJoules(10_000 + 3L * i), Optional.of(CarbonIntensity.gramsPerKwh(123.25)),
          Power.ofWatts(250), Power.ofWatts(300), Duration.ofSeconds(60), Duration.ofSeconds(2),
          Duration.ofSeconds(30), "measured"));
      return out;
    });
  }

  /** Node B: one GPU, team nlp outside any job. */
  public static void writeNodeB(String sqliteUrl) {
    write(sqliteUrl, (t, i) -> List.of(new EnergyRecord(t, t.plusSeconds(60), gpu(0, "GPU-b"), "nlp", "",
        Energy.ofJoules(20_000 + i), Energy.ofJoules(21_000 + i), Optional.of(CarbonIntensity.gramsPerKwh(310)),
        Power.ofWatts(280), Power.ofWatts(300), Duration.ofSeconds(60), Duration.ofSeconds(1),
        Duration.ofSeconds(10), "default")));
  }

  private interface Sample {
    List<EnergyRecord> at(Instant t, int i);
  }

  private static void write(String url, Sample sample) {
    try (HistoryStore store = HistoryStore.open(url)) {
      int i = 0;
      for (Instant t = FIRST; t.isBefore(END); t = t.plus(Duration.ofMinutes(30))) {
        store.recordEnergy(sample.at(t, i++));
      }
    }
  }
}
