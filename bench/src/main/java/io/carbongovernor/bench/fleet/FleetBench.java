package io.carbongovernor.bench.fleet;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.daemon.config.HistoryConfig;
import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.history.DatabaseLogin;
import io.carbongovernor.daemon.history.EnergyRecord;
import io.carbongovernor.daemon.history.HistoryStore;
import io.carbongovernor.daemon.history.Retention;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.daemon.history.SpoolStatus;
import io.carbongovernor.daemon.history.postgres.FleetMaintenance;
import io.carbongovernor.daemon.history.postgres.PostgresConnections;
import io.carbongovernor.daemon.report.Breakdown;
import io.carbongovernor.daemon.report.ReportQuery;
import io.carbongovernor.daemon.report.ReportRange;
import io.carbongovernor.gpu.Energy;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A fleet's history at scale on one PostgreSQL: for each fleet size, simulated nodes of 8 GPUs
 * write through the daemon's own fleet store (a SQLite spool per node and its shipper, each with
 * its own connection), first one hour of samples each that the database missed and must take at
 * once, then a minute at the real cadence; then the database's size per GPU-year at the default
 * retention, and a fleet-wide year report by team after the fleet's day rollup.
 *
 * <p>Usage (through {@code bench/fleet}, which starts the server): {@code FleetBench URL USER
 * DATA-DIR [NODES ...]}; the password in {@code CARBON_GOVERNOR_BENCH_DB_PASSWORD}. Prints
 * Markdown.
 */
public final class FleetBench {

  private static final int GPUS = 8;
  private static final Duration SAMPLE = Duration.ofSeconds(5);
  private static final String[] TEAMS = {"vision", "nlp", "speech", "(default)"};
  /** What the spools hold when the database comes back: an hour per node. */
  private static final Duration BACKLOG = Duration.ofHours(1);
  private static final Duration CADENCE_RUN = Duration.ofSeconds(60);

  private final String url;
  private final DatabaseLogin login;
  private final Path work;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder rowSizes = new StringBuilder(
      "| nodes | bytes per raw row | per minute row | per hour row (and day row) |\n|---|---|---|---|\n");

  private FleetBench(String url, DatabaseLogin login, Path work) {
    this.url = url;
    this.login = login;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: FleetBench URL USER DATA-DIR [NODES ...]");
      System.exit(2);
    }
    String password = System.getenv("CARBON_GOVERNOR_BENCH_DB_PASSWORD");
    DatabaseLogin login = new DatabaseLogin(Optional.of(args[1]), Optional.ofNullable(password).map(Secret::of));
    List<Integer> sizes = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      sizes.add(Integer.parseInt(args[i]));
    }
    if (sizes.isEmpty()) {
      sizes = List.of(10, 100, 500);
    }
    Path work = Files.createTempDirectory("fleet-bench");
    new FleetBench(args[0], login, work).run(sizes);
  }

  private void run(List<Integer> sizes) throws Exception {
    out.append(String.format(Locale.ROOT, "JVM %s, %d cores, load average at start %s%n%n",
        Runtime.version(), Runtime.getRuntime().availableProcessors(), loadAverage()));
    out.append("| nodes | GPUs | fleet needs (raw rows/s) | backlog drain (raw rows/s) | drain / need"
        + " | rows/s all tables | cadence minute: raw rows arrived / expected | spool left after it"
        + " | DB size per GPU-year | day rollup of a year | year report by team (best of 3) | load after |\n");
    out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int nodes : sizes) {
      String db = "fleet_" + nodes;
      createDatabase(db);
      String dbUrl = url.substring(0, url.lastIndexOf('/') + 1) + db;
      out.append(measure(nodes, dbUrl)).append('\n');
      System.err.println(out);
    }
    System.out.println(out);
    System.out.println("Bytes on disk per row, heap and indexes, after VACUUM ANALYZE:\n");
    System.out.println(rowSizes);
  }

  private String measure(int nodes, String dbUrl) throws Exception {
    int gpus = nodes * GPUS;
    double need = gpus / (double) SAMPLE.toSeconds();
    Path dir = Files.createDirectories(work.resolve("n" + nodes));
    Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    Instant start = end.minus(BACKLOG);

    // 1. The backlog: each node's spool holds an hour the database has not seen (written while the
    //    database is away, through a URL nothing listens on), then all nodes come back at once.
    String away = "jdbc:postgresql://127.0.0.1:1/away";
    parallel(nodes, i -> {
      try (HistoryStore store = HistoryStore.open(config(away, i), dir.resolve("node" + i), Clock.systemUTC())) {
        SplittableRandom random = new SplittableRandom(i);
        List<Gpu> gpuList = gpus(i);
        List<EnergyRecord> batch = new ArrayList<>();
        for (Instant t = start; t.isBefore(end); t = t.plus(SAMPLE)) {
          batch.addAll(period(gpuList, t, random));
          if (batch.size() >= GPUS * 120) {
            store.recordEnergy(batch);
            batch = new ArrayList<>();
          }
        }
        store.recordEnergy(batch);
      }
      return null;
    });
    long backlogRows = (long) gpus * (BACKLOG.toSeconds() / SAMPLE.toSeconds());
    List<HistoryStore> stores = new ArrayList<>();
    long drainStart = System.nanoTime();
    for (int i = 0; i < nodes; i++) {
      stores.add(HistoryStore.open(config(dbUrl, i), dir.resolve("node" + i), Clock.systemUTC()));
    }
    awaitDrained(stores, Duration.ofMinutes(30));
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    long sentAll = stores.stream().mapToLong(s -> s.spool().map(SpoolStatus::rowsSent).orElse(0L)).sum();

    // 2. A minute at the real cadence: every node records one 8-GPU period every 5 s.
    long before = countRaw(dbUrl);
    Instant cadenceStart = end;
    int periods = (int) (CADENCE_RUN.toSeconds() / SAMPLE.toSeconds());
    for (int p = 0; p < periods; p++) {
      long tickStart = System.nanoTime();
      Instant t = cadenceStart.plus(SAMPLE.multipliedBy(p));
      parallel(nodes, i -> {
        stores.get(i).recordEnergy(period(gpus(i), t, new SplittableRandom(i * 31L + 7)));
        return null;
      });
      long left = SAMPLE.toNanos() - (System.nanoTime() - tickStart);
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left); // the real cadence is what is measured here
      }
    }
    TimeUnit.SECONDS.sleep(6); // one shipping interval for the last period
    long arrived = countRaw(dbUrl) - before;
    long spoolLeft = stores.stream().mapToLong(s -> s.spool().map(SpoolStatus::unsentSamples).orElse(0L)).sum();
    for (HistoryStore s : stores) {
      s.close();
    }

    // 3. Size per GPU-year at the default retention, from the bytes per row each table holds now.
    Map<String, Double> bytesPerRow = bytesPerRow(dbUrl);
    rowSizes.append(String.format(Locale.ROOT, "| %d | %.0f | %.0f | %.0f |%n", nodes, bytesPerRow.get("energy_raw"),
        bytesPerRow.get("energy_minute"), bytesPerRow.get("energy_hour")));
    Retention r = Retention.DEFAULT;
    double rawRows = r.raw().orElseThrow().toSeconds() / (double) SAMPLE.toSeconds();
    double minuteRows = r.minutes().orElseThrow().toMinutes();
    double gpuYear = rawRows * bytesPerRow.get("energy_raw") + minuteRows * bytesPerRow.get("energy_minute")
        + 8760 * bytesPerRow.get("energy_hour") + 365 * bytesPerRow.getOrDefault("energy_day",
            bytesPerRow.get("energy_hour"));

    // 4. A year of hour rows for every GPU (bulk, as the nodes would have sent them), the fleet's
    //    day rollup over it, and the fleet-wide year report by team.
    Instant yearEnd = end.truncatedTo(java.time.temporal.ChronoUnit.DAYS);
    Instant yearStart = yearEnd.minus(Duration.ofDays(365));
    loadYearOfHours(dbUrl, nodes, yearStart, yearEnd);
    long rollupStart = System.nanoTime();
    try (FleetMaintenance m = FleetMaintenance.open(dbUrl, login)) {
      m.rollUpDays(yearEnd.plus(Duration.ofDays(1)));
    }
    double rollupSeconds = (System.nanoTime() - rollupStart) / 1e9;
    double best = Double.MAX_VALUE;
    for (int k = 0; k < 3; k++) {
      long t0 = System.nanoTime();
      try (RollupReader reader = RollupReader.openReadOnly(dbUrl, login, "bench")) {
        ReportQuery.run(reader, ReportRange.of(yearStart, yearEnd), Optional.empty(), Optional.empty(),
            Optional.empty(), Breakdown.TEAM);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return String.format(Locale.ROOT,
        "| %d | %d | %,.0f | %,.0f | %.0fx | %,.0f | %,d / %,d | %,d | %.1f MiB | %.1f s | %.2f s | %s |",
        nodes, gpus, need, backlogRows / drainSeconds, backlogRows / drainSeconds / need, sentAll / drainSeconds,
        arrived, (long) gpus * periods, spoolLeft, gpuYear / (1 << 20), rollupSeconds, best, loadAverage());
  }

  private HistoryConfig config(String dbUrl, int node) {
    return new HistoryConfig(dbUrl, Retention.DEFAULT, login, Optional.of("bench-node-" + node),
        HistoryConfig.DEFAULT_SPOOL_MAX_SAMPLES);
  }

  private static List<Gpu> gpus(int node) {
    List<Gpu> gpus = new ArrayList<>();
    for (int g = 0; g < GPUS; g++) {
      gpus.add(new Gpu(g, String.format(Locale.ROOT, "GPU-%08x-0000-4000-8000-%012x", node, g), "A40",
          new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300)), Power.ofWatts(300)));
    }
    return gpus;
  }

  /** One sample period's rows, as the sampler makes them: a team per GPU, no job. */
  private static List<EnergyRecord> period(List<Gpu> gpus, Instant t, SplittableRandom random) {
    List<EnergyRecord> rows = new ArrayList<>(gpus.size());
    for (Gpu gpu : gpus) {
      double watts = 150 + random.nextDouble(150);
      long mj = (long) (watts * SAMPLE.toMillis());
      CarbonIntensity intensity = CarbonIntensity.gramsPerKwh(150 + random.nextDouble(250));
      rows.add(new EnergyRecord(t, t.plus(SAMPLE), gpu, TEAMS[gpu.index() % TEAMS.length], "",
          Energy.ofMillijoules(mj), Energy.ofMillijoules((long) (mj * 1.15)), Optional.of(intensity),
          Power.ofWatts(240), Power.ofWatts(300), SAMPLE, Duration.ofMillis(300), SAMPLE, "zeus:bench"));
    }
    return rows;
  }

  private interface NodeWork {
    Object run(int node) throws Exception;
  }

  private static void parallel(int nodes, NodeWork work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(nodes, 16));
    try {
      List<Future<Object>> all = new ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        int node = i;
        all.add(pool.submit(() -> work.run(node)));
      }
      for (Future<Object> f : all) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static void awaitDrained(List<HistoryStore> stores, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (stores.stream().allMatch(s -> s.spool().map(st -> st.unsentSamples() == 0 && st.lastSent().isPresent())
          .orElse(true))) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new IllegalStateException("the spools did not drain within " + limit);
  }

  private Connection connect(String dbUrl) throws SQLException {
    return PostgresConnections.open(dbUrl, login, Duration.ofHours(1));
  }

  private void createDatabase(String name) throws SQLException {
    try (Connection c = connect(url); Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name);
      st.execute("CREATE DATABASE " + name);
    }
  }

  private long countRaw(String dbUrl) throws SQLException {
    try (Connection c = connect(dbUrl); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM energy_raw")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Each energy table's bytes on disk (heap, indexes, TOAST) per row, after a VACUUM ANALYZE. */
  private Map<String, Double> bytesPerRow(String dbUrl) throws SQLException {
    Map<String, Double> out = new LinkedHashMap<>();
    try (Connection c = connect(dbUrl); Statement st = c.createStatement()) {
      st.execute("VACUUM ANALYZE");
      for (String table : List.of("energy_raw", "energy_minute", "energy_hour")) {
        try (ResultSet rs = st.executeQuery(
            "SELECT pg_total_relation_size('" + table + "'), count(*) FROM " + table)) {
          rs.next();
          out.put(table, rs.getLong(2) == 0 ? 0.0 : rs.getLong(1) / (double) rs.getLong(2));
        }
      }
    }
    return out;
  }

  /**
   * One hour row per GPU and hour of the year, its team by GPU as the write path leaves it:
   * generated inside the server, which is how fast a year can be put there for the report.
   */
  private void loadYearOfHours(String dbUrl, int nodes, Instant from, Instant to) throws SQLException {
    try (Connection c = connect(dbUrl); Statement st = c.createStatement()) {
      st.execute("DELETE FROM energy_hour WHERE bucket_ms < " + to.toEpochMilli());
      st.execute("INSERT INTO energy_hour (bucket_ms, node, gpu_uuid, gpu_index, team, job, profile_source,"
          + " samples, energy_mj, baseline_mj, emissions_g, baseline_g, unknown_energy_mj, limit_mw_ms, busy_ms,"
          + " extra_ms, throttled_ms, updated_ms)"
          + " SELECT h, 'bench-node-' || n, format('GPU-%s-%s', n, g), g,"
          + " (ARRAY['vision','nlp','speech','(default)'])[g % 4 + 1], '', 'zeus:bench', 720,"
          + " 810000000 + (h / 3600000 % 97) * 1000000, 930000000, 50.0 + (h / 3600000 % 13), 58.0, 0,"
          + " 240000.0 * 3600000, 3600000, 54000, 3600000, " + System.currentTimeMillis()
          + " FROM generate_series(" + from.toEpochMilli() + "::bigint, " + (to.toEpochMilli() - 1)
          + "::bigint, 3600000) AS h, generate_series(0, " + (nodes - 1) + ") AS n, generate_series(0, "
          + (GPUS - 1) + ") AS g");
      st.execute("VACUUM ANALYZE energy_hour");
    }
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
