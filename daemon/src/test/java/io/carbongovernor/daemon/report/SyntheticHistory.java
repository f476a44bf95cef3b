package io.carbongovernor.daemon.report;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A server's energy history written through the history store as the sampler writes it: every
 * sample period, one row per GPU and claim. GPU 0 runs team vision's job and is throttled while
 * the grid is dirty; GPU 1 runs team nlp's work outside any job, throttled a little on the
 * dirtiest slots; GPU 2 is idle. The grid's intensity changes every 30-minute slot with the time
 * of day, the season and a fixed per-slot wobble, so every run writes the same history.
 */
final class SyntheticHistory {

  static final Gpu VISION_GPU = gpu(0, "GPU-3f1c9a52-7b8e-4d21-a6c0-5e9d2b7f4a10", 300);
  static final Gpu NLP_GPU = gpu(1, "GPU-8a24d6e1-0c5f-4b93-9e7a-1d3c6f8b2e54", 250);
  static final Gpu IDLE_GPU = gpu(2, "GPU-c57e0b39-2d48-4f6a-8b1e-7a9c3d5e6f21", 300);
  static final String VISION_JOB = "resnet50-train";

  private SyntheticHistory() {}

  private static Gpu gpu(int index, String uuid, double watts) {
    return new Gpu(index, uuid, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(watts)), Power.ofWatts(watts));
  }

  /** The grid intensity of the 30-minute slot {@code t} is in, in gCO2e/kWh. */
  static double intensity(Instant t) {
    long slot = Math.floorDiv(t.getEpochSecond(), 1800);
    Instant middle = Instant.ofEpochSecond(slot * 1800 + 900);
    double hour = middle.atZone(ZoneOffset.UTC).getHour() + middle.atZone(ZoneOffset.UTC).getMinute() / 60.0;
    double day = middle.atZone(ZoneOffset.UTC).getDayOfYear();
    long wobble = Math.floorMod(slot * 2_654_435_761L, 61) - 30;
    return 230 + 110 * Math.sin(2 * Math.PI * (hour - 8) / 24) + 50 * Math.cos(2 * Math.PI * day / 365.25) + wobble;
  }

  /** The rows of one sample period {@code [start, start + length)}. */
  static List<EnergyRecord> period(Instant start, Duration length) {
    Instant end = start.plus(length);
    double seconds = length.toMillis() / 1000.0;
    double g = intensity(start);
    Optional<CarbonIntensity> known = Optional.of(CarbonIntensity.gramsPerKwh(g));
    boolean visionThrottled = g > 250;
    boolean nlpThrottled = g > 320;
    return List.of(
        row(start, end, VISION_GPU, "vision", VISION_JOB, visionThrottled ? 190 : 285, visionThrottled ? 1.3 : 1.0, known,
            visionThrottled ? 200 : 300, 300, length, visionThrottled ? 0.18 : 0, "default"),
        row(start, end, NLP_GPU, "nlp", "", nlpThrottled ? 140 : 160, nlpThrottled ? 1.06 : 1.0, known,
            nlpThrottled ? 180 : 250, 250, length, nlpThrottled ? 0.04 : 0, "default"),
        row(start, end, IDLE_GPU, EnergyRecord.IDLE, "", 62, 1.0, known, 300, 300, length, 0, "none"));
  }

  private static EnergyRecord row(Instant start, Instant end, Gpu gpu, String team, String job, double watts,
      double baselineFactor, Optional<CarbonIntensity> intensity, double limitWatts, double originalWatts, Duration busy,
      double extraShare, String source) {
    double joules = watts * busy.toMillis() / 1000.0;
    return new EnergyRecord(start, end, gpu, team, job, Energy.ofJoules(joules), Energy.ofJoules(joules * baselineFactor),
        intensity, Power.ofWatts(limitWatts), Power.ofWatts(originalWatts), busy,
        Duration.ofMillis(Math.round(busy.toMillis() * extraShare)), limitWatts < originalWatts ? busy : Duration.ZERO, source);
  }

  /**
   * Writes the sample periods of {@code sample} from {@code from} to {@code to}, except while
   * {@code down} (the daemon not running), a few thousand rows per write; returns every row.
   */
  static List<EnergyRecord> write(String url, Instant from, Instant to, Duration sample, Predicate<Instant> down) {
    List<EnergyRecord> all = new ArrayList<>();
    try (HistoryStore store = HistoryStore.open(url)) {
      List<EnergyRecord> batch = new ArrayList<>();
      for (Instant t = from; t.isBefore(to); t = t.plus(sample)) {
        if (!down.test(t)) {
          batch.addAll(period(t, sample));
        }
        if (batch.size() >= 3000) {
          store.recordEnergy(batch);
          all.addAll(batch);
          batch = new ArrayList<>();
        }
      }
      store.recordEnergy(batch);
      all.addAll(batch);
    }
    return all;
  }
}
