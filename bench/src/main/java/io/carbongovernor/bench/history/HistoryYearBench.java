package io.carbongovernor.bench.history;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.ReportFormat;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A year of history for 8 GPUs, shaped as retention leaves it (raw 5 s samples for the last 7
 * days, minute rows for 90 days, hour rows for the year), then a full-year report by team and by
 * day. The last week goes through the daemon's own write path ({@link HistoryStore#recordEnergy},
 * one sample period of 8 GPUs per transaction, as the sampler writes); older minute and hour rows
 * are bulk-loaded into the same tables with the values the write path would have summed.
 *
 * <p>Usage: {@code bench/history-year [DB-FILE]}; prints a Markdown table.
 */
public final class HistoryYearBench {

  private static final int GPUS = 8;
  private static final String[] TEAMS = {"vision", "nlp", "speech", "(default)"};
  private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant START = END.minus(Duration.ofDays(365));

  public static void main(String[] args) throws Exception {
    Path db = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("history-bench").resolve("history.db");
    Files.deleteIfExists(db);
    String url = "jdbc:sqlite:" + db;
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < GPUS; i++) {
      gpus.add(new Gpu(i, "GPU-bench-" + i, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)),
          Power.ofWatts(300)));
    }
    SplittableRandom random = new SplittableRandom(42);

    // 1. The last 7 days through the real write path, every 5 s.
    long periods = Duration.ofDays(7).toSeconds() / 5;
    long rawStart = System.nanoTime();
    try (HistoryStore store = HistoryStore.open(url)) {
      Instant t = END.minus(Duration.ofDays(7));
      for (long p = 0; p < periods; p++) {
        Instant next = t.plusSeconds(5);
        List<EnergyRecord> rows = new ArrayList<>(GPUS);
        for (Gpu gpu : gpus) {
          rows.add(record(gpu, t, next, random));
        }
        store.recordEnergy(rows);
        t = next;
      }
    }
    double rawSeconds = (System.nanoTime() - rawStart) / 1e9;
    long rawRows = periods * GPUS;

    // 2. Older minute (to 90 days) and hour (to a year) rows, bulk-loaded.
    long bulkStart = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      bulk(c, "energy_minute", END.minus(Duration.ofDays(90)), END.minus(Duration.ofDays(7)), Duration.ofMinutes(1), gpus, random);
      bulk(c, "energy_hour", START, END.minus(Duration.ofDays(7)), Duration.ofHours(1), gpus, random);
      c.commit();
    }
    double bulkSeconds = (System.nanoTime() - bulkStart) / 1e9;

    // 3. Full-year reports, the first run cold (after opening), then the best of five.
    double byTeam = best(() -> ReportFormat.TEXT.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.TEAM)));
    double byDay = best(() -> ReportFormat.TEXT.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.DAY)));
    double html = best(() -> ReportFormat.HTML.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.DAY)));

    long bytes = Files.size(db) + sizeIfExists(Path.of(db + "-wal"));
    System.out.printf(Locale.ROOT, "| measure | value |%n|---|---|%n");
    System.out.printf(Locale.ROOT, "| raw rows written through the write path (7 days x 8 GPUs x 5 s) | %,d |%n", rawRows);
    System.out.printf(Locale.ROOT, "| write path throughput | %,.0f rows/s (%,.0f sample periods/s; each row also updates 2 rollups) |%n",
        rawRows / rawSeconds, periods / rawSeconds);
    System.out.printf(Locale.ROOT, "| bulk load of older minute and hour rows | %.1f s |%n", bulkSeconds);
    System.out.printf(Locale.ROOT, "| database size for 8 GPU-years at retention | %.1f MiB (%.1f MiB per GPU-year) |%n",
        bytes / 1048576.0, bytes / 1048576.0 / GPUS);
    System.out.printf(Locale.ROOT, "| full-year report by team (text) | %.0f ms |%n", byTeam * 1000);
    System.out.printf(Locale.ROOT, "| full-year report by day (text) | %.0f ms |%n", byDay * 1000);
    System.out.printf(Locale.ROOT, "| full-year report by day (html, 8760-hour chart) | %.0f ms |%n", html * 1000);
  }

  private static EnergyRecord record(Gpu gpu, Instant start, Instant end, SplittableRandom random) {
    double watts = 150 + random.nextDouble() * 150;
    Power limit = Power.ofWatts(watts > 250 ? 300 : 210);
    Energy energy = Power.ofWatts(watts).over(Duration.between(start, end).toNanos() / 1e9);
    boolean throttled = limit.isBelow(gpu.defaultLimit());
    return new EnergyRecord(start, end, gpu, TEAMS[gpu.index() % TEAMS.length], "job-" + gpu.index(),
        energy, throttled ? Energy.ofMillijoules(energy.millijoules() * 6 / 5) : energy,
        Optional.of(CarbonIntensity.gramsPerKwh(100 + random.nextDouble() * 250)), limit, gpu.defaultLimit(),
        Duration.between(start, end), throttled ? Duration.ofMillis(500) : Duration.ZERO,
        throttled ? Duration.between(start, end) : Duration.ZERO, "default");
  }

  private static void bulk(Connection c, String table, Instant from, Instant to, Duration step, List<Gpu> gpus,
      SplittableRandom random) throws Exception {
    String sql = "INSERT INTO " + table + " (bucket_ms, gpu_uuid, gpu_index, team, job, profile_source, samples,"
        + " energy_mj, baseline_mj, emissions_g, baseline_g, unknown_energy_mj, limit_mw_ms, busy_ms, extra_ms,"
        + " throttled_ms) VALUES (?, ?, ?, ?, ?, 'default', ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)";
    long ms = step.toMillis();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      int batch = 0;
      for (long t = from.toEpochMilli(); t < to.toEpochMilli(); t += ms) {
        for (Gpu gpu : gpus) {
          double kwh = (150 + random.nextDouble() * 150) * ms / 3.6e9;
          double intensity = 100 + random.nextDouble() * 250;
          ps.setLong(1, t);
          ps.setString(2, gpu.uuid());
          ps.setInt(3, gpu.index());
          ps.setString(4, TEAMS[gpu.index() % TEAMS.length]);
          ps.setString(5, "job-" + gpu.index());
          ps.setLong(6, ms / 5000);
          ps.setLong(7, Math.round(kwh * 3.6e9));
          ps.setLong(8, Math.round(kwh * 1.1 * 3.6e9));
          ps.setDouble(9, kwh * intensity);
          ps.setDouble(10, kwh * 1.1 * intensity);
          ps.setDouble(11, 250_000.0 * ms);
          ps.setLong(12, ms);
          ps.setLong(13, ms / 20);
          ps.setLong(14, ms / 2);
          ps.addBatch();
          if (++batch % 10_000 == 0) {
            ps.executeBatch();
          }
        }
      }
      ps.executeBatch();
    }
  }

  private interface Work {
    Object run() throws Exception;
  }

  private static double best(Work work) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long start = System.nanoTime();
      work.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    return best;
  }

  private static long sizeIfExists(Path p) throws Exception {
    return Files.exists(p) ? Files.size(p) : 0;
  }
}
