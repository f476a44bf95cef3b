package io.carbongovernor.bench.history;

import io.carbongovernor.bench.PageTemplate;
import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.ReportFormat;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A year of history for 8 GPUs, shaped as the default retention leaves it (raw 5 s samples for the
 * last 7 days, minute rows for 90 days, hour rows for the year), then a full-year report by team
 * and by day. The last week goes through the daemon's own write path ({@link
 * HistoryStore#recordEnergy}, one sample period of 8 GPUs per transaction, as the sampler writes);
 * older minute and hour rows are bulk-loaded into the same tables with the values the write path
 * would have summed.
 *
 * <p>Usage (through {@code bench/history-year}): {@code HistoryYearBench TEMPLATE OUT.md RAW
 * [DB-FILE]}. Writes the page from the template, with a {@code {{header}}} line for the stamp, and
 * every measurement, each report run's time included, to RAW (stdout carries the store's log).
 */
public final class HistoryYearBench {

  private static final int GPUS = 8;
  private static final Duration SAMPLE = Duration.ofSeconds(5);
  private static final int RUNS = 5;
  private static final Duration TARGET = Duration.ofSeconds(1);
  private static final String[] TEAMS = {"vision", "nlp", "speech", "(default)"};
  private static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
  private static final Instant START = END.minus(Duration.ofDays(365));

  public static void main(String[] args) throws Exception {
    if (args.length < 3 || args.length > 4) {
      System.err.println("usage: HistoryYearBench TEMPLATE OUT.md RAW [DB-FILE]");
      System.exit(2);
    }
    PageTemplate page = PageTemplate.read(Path.of(args[0]));
    Path out = Path.of(args[1]);
    Path tempDir = args.length > 3 ? null : Files.createTempDirectory("history-bench");
    Path db = tempDir == null ? Path.of(args[3]) : tempDir.resolve("history.db");
    try (PrintStream raw = new PrintStream(Files.newOutputStream(Path.of(args[2])), true, StandardCharsets.UTF_8)) {
      run(page, db, raw);
    } finally {
      if (tempDir != null) {
        for (String name : new String[] {"history.db", "history.db-journal", "history.db-wal"}) {
          Files.deleteIfExists(tempDir.resolve(name));
        }
        Files.deleteIfExists(tempDir);
      }
    }
    page.put("db-where", tempDir == null ? "`" + db + "`" : "a temporary directory (`java.io.tmpdir`)");
    page.write(out);
  }

  private static void run(PageTemplate page, Path db, PrintStream raw) throws Exception {
    Files.deleteIfExists(db);
    String url = "jdbc:sqlite:" + db;
    List<Gpu> gpus = new ArrayList<>();
    for (int i = 0; i < GPUS; i++) {
      gpus.add(new Gpu(i, "GPU-bench-" + i, "A40", new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)),
          Power.ofWatts(300)));
    }
    SplittableRandom random = new SplittableRandom(42);
    Duration rawWindow = Retention.DEFAULT.raw().orElseThrow();
    Duration minuteWindow = Retention.DEFAULT.minutes().orElseThrow();

    // 1. The raw window through the real write path, every 5 s.
    long periods = rawWindow.toSeconds() / SAMPLE.toSeconds();
    long rawStart = System.nanoTime();
    try (HistoryStore store = HistoryStore.open(url)) {
      Instant t = END.minus(rawWindow);
      for (long p = 0; p < periods; p++) {
        Instant next = t.plus(SAMPLE);
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
    raw.printf(Locale.ROOT, "write path: %d rows (%d periods of %d GPUs) in %.3f s%n", rawRows, periods, GPUS,
        rawSeconds);

    // 2. Older minute and hour rows, bulk-loaded.
    long bulkStart = System.nanoTime();
    try (Connection c = DriverManager.getConnection(url)) {
      c.setAutoCommit(false);
      bulk(c, "energy_minute", END.minus(minuteWindow), END.minus(rawWindow), Duration.ofMinutes(1), gpus, random);
      bulk(c, "energy_hour", START, END.minus(rawWindow), Duration.ofHours(1), gpus, random);
      c.commit();
    }
    double bulkSeconds = (System.nanoTime() - bulkStart) / 1e9;
    raw.printf(Locale.ROOT, "bulk load: %.3f s%n", bulkSeconds);

    // 3. Full-year reports, the first run cold (after opening), then the best of five.
    double byTeam = best(raw, "report by team (text)",
        () -> ReportFormat.TEXT.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.TEAM)));
    double byDay = best(raw, "report by day (text)",
        () -> ReportFormat.TEXT.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.DAY)));
    double html = best(raw, "report by day (html)",
        () -> ReportFormat.HTML.render(ReportQuery.run(url, START, END, Optional.empty(), Optional.empty(), Breakdown.DAY)));

    long bytes = Files.size(db) + sizeIfExists(Path.of(db + "-wal"));
    raw.printf(Locale.ROOT, "database: %d bytes%n", bytes);
    String sqlite;
    try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
      rs.next();
      sqlite = rs.getString(1);
    }
    raw.println("SQLite " + sqlite);

    double slowest = Math.max(byTeam, Math.max(byDay, html));
    double periodsPerSecond = periods / rawSeconds;
    double samplerPeriodsPerSecond = 1.0 / SAMPLE.toSeconds();
    page.put("gpus", Integer.toString(GPUS))
        .put("sqlite-version", sqlite)
        .put("raw-days", Long.toString(rawWindow.toDays()))
        .put("minute-days", Long.toString(minuteWindow.toDays()))
        .put("sample-s", Long.toString(SAMPLE.toSeconds()))
        .put("runs", Integer.toString(RUNS))
        .put("raw-rows", String.format(Locale.ROOT, "%,d", rawRows))
        .put("rows-per-s", String.format(Locale.ROOT, "%,.0f", rawRows / rawSeconds))
        .put("periods-per-s", String.format(Locale.ROOT, "%,.0f", periodsPerSecond))
        .put("bulk-s", String.format(Locale.ROOT, "%.1f", bulkSeconds))
        .put("db-mib", String.format(Locale.ROOT, "%.1f", bytes / 1048576.0))
        .put("db-mib-per-gpu", String.format(Locale.ROOT, "%.1f", bytes / 1048576.0 / GPUS))
        .put("team-ms", String.format(Locale.ROOT, "%.0f", byTeam * 1000))
        .put("day-ms", String.format(Locale.ROOT, "%.0f", byDay * 1000))
        .put("html-ms", String.format(Locale.ROOT, "%.0f", html * 1000))
        .put("target-ms", Long.toString(TARGET.toMillis()))
        .put("target-verdict", slowest < TARGET.toMillis() / 1000.0
            ? String.format(Locale.ROOT, "met (the slowest, %.0f ms)", slowest * 1000)
            : String.format(Locale.ROOT, "**missed** (the slowest, %.0f ms)", slowest * 1000))
        .put("sampler-periods-per-s", String.format(Locale.ROOT, "%.1f", samplerPeriodsPerSecond))
        .put("headroom", twoFigures(periodsPerSecond / samplerPeriodsPerSecond));
  }

  /** A ratio to two significant figures, "1,800" rather than "1,803". */
  private static String twoFigures(double x) {
    double scale = Math.pow(10, Math.max(0, Math.floor(Math.log10(x)) - 1));
    return String.format(Locale.ROOT, "%,.0f", Math.round(x / scale) * scale);
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

  private static double best(PrintStream raw, String what, Work work) throws Exception {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      work.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      raw.printf(Locale.ROOT, "%s, run %d: %.3f s%n", what, i + 1, seconds);
      best = Math.min(best, seconds);
    }
    return best;
  }

  private static long sizeIfExists(Path p) throws Exception {
    return Files.exists(p) ? Files.size(p) : 0;
  }
}
