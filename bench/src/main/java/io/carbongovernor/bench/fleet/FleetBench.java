package io.carbongovernor.bench.fleet;

import io.carbongovernor.bench.PageTemplate;
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
 * <p>Usage (through {@code bench/fleet}, which starts the server): {@code FleetBench TEMPLATE OUT.md
 * RAW URL USER DATA-DIR [NODES ...]}; the password in {@code CARBON_GOVERNOR_BENCH_DB_PASSWORD}.
 * Writes the page from the template, with a {@code {{header}}} line for the stamp, every figure
 * from this run, and each fleet size's measurements to RAW as it ends (stdout carries the log).
 */
public final class FleetBench {

  private static final int GPUS = 8;
  private static final Duration SAMPLE = Duration.ofSeconds(5);
  private static final String[] TEAMS = {"vision", "nlp", "speech", "(default)"};
  /** What the spools hold when the database comes back: an hour per node. */
  private static final Duration BACKLOG = Duration.ofHours(1);
  private static final Duration CADENCE_RUN = Duration.ofSeconds(60);
  static final List<Integer> DEFAULT_SIZES = List.of(10, 100, 500);
  private static final int REPORT_RUNS = 3;
  private static final Duration REPORT_TARGET = Duration.ofSeconds(5);
  private static final long HOURS_A_YEAR = 8760;
  private static final long DAYS_A_YEAR = 365;

  /** One fleet size's figures. */
  record Measured(int nodes, int gpus, double need, double drain, double allTables, long arrived, long expected,
      long spoolLeft, Map<String, Double> bytesPerRow, double gpuYearBytes, long yearRows, long dayRows,
      double rollupSeconds, double reportSeconds, String loadAfter) {

    double rawRowBytes() {
      return bytesPerRow.get("energy_raw");
    }

    double minuteRowBytes() {
      return bytesPerRow.get("energy_minute");
    }

    double hourRowBytes() {
      return bytesPerRow.get("energy_hour");
    }
  }

  private final String url;
  private final DatabaseLogin login;
  private final Path work;

  private FleetBench(String url, DatabaseLogin login, Path work) {
    this.url = url;
    this.login = login;
    this.work = work;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6) {
      System.err.println("usage: FleetBench TEMPLATE OUT.md RAW URL USER DATA-DIR [NODES ...]");
      System.exit(2);
    }
    PageTemplate page = PageTemplate.read(Path.of(args[0]));
    Path out = Path.of(args[1]);
    Path raw = Path.of(args[2]);
    String password = System.getenv("CARBON_GOVERNOR_BENCH_DB_PASSWORD");
    DatabaseLogin login = new DatabaseLogin(Optional.of(args[4]), Optional.ofNullable(password).map(Secret::of));
    List<Integer> sizes = new ArrayList<>();
    for (int i = 6; i < args.length; i++) {
      sizes.add(Integer.parseInt(args[i]));
    }
    if (sizes.isEmpty()) {
      sizes = DEFAULT_SIZES;
    }
    Path work = Files.createTempDirectory("fleet-bench");
    FleetBench bench = new FleetBench(args[3], login, work);
    Map<String, String> server = bench.serverSettings();
    Files.writeString(raw, "PostgreSQL " + server + "\n");
    List<Measured> results = bench.run(sizes, raw);
    FleetPage.fill(page, server, sizes, results);
    page.write(out);
  }

  private List<Measured> run(List<Integer> sizes, Path raw) throws Exception {
    List<Measured> results = new ArrayList<>();
    for (int nodes : sizes) {
      String db = "fleet_" + nodes;
      createDatabase(db);
      String dbUrl = url.substring(0, url.lastIndexOf('/') + 1) + db;
      Measured m = measure(nodes, dbUrl);
      Files.writeString(raw, m + "\n", java.nio.file.StandardOpenOption.APPEND);
      results.add(m);
    }
    return results;
  }

  /** The server's version and the settings the page names. */
  private Map<String, String> serverSettings() throws SQLException {
    Map<String, String> settings = new LinkedHashMap<>();
    try (Connection c = connect(url); Statement st = c.createStatement()) {
      for (String name : List.of("server_version", "fsync", "synchronous_commit", "shared_buffers", "max_connections")) {
        try (ResultSet rs = st.executeQuery("SHOW " + name)) {
          rs.next();
          settings.put(name, rs.getString(1));
        }
      }
    }
    return settings;
  }

  private Measured measure(int nodes, String dbUrl) throws Exception {
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
    double gpuYear = rawRowsPerGpu() * bytesPerRow.get("energy_raw")
        + minuteRowsPerGpu() * bytesPerRow.get("energy_minute")
        + (HOURS_A_YEAR + DAYS_A_YEAR) * bytesPerRow.get("energy_hour");

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
    long dayRows = count(dbUrl, "energy_day");
    double best = Double.MAX_VALUE;
    for (int k = 0; k < REPORT_RUNS; k++) {
      long t0 = System.nanoTime();
      try (RollupReader reader = RollupReader.openReadOnly(dbUrl, login, "bench")) {
        ReportQuery.run(reader, ReportRange.of(yearStart, yearEnd), Optional.empty(), Optional.empty(),
            Optional.empty(), Breakdown.TEAM);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    long yearRows = (long) gpus * Duration.between(yearStart, yearEnd).toHours();
    return new Measured(nodes, gpus, need, backlogRows / drainSeconds, sentAll / drainSeconds, arrived,
        (long) gpus * periods, spoolLeft, Map.copyOf(bytesPerRow), gpuYear, yearRows, dayRows, rollupSeconds, best,
        loadAverage());
  }

  /** Raw rows one GPU keeps at the default retention. */
  static long rawRowsPerGpu() {
    return Retention.DEFAULT.raw().orElseThrow().toSeconds() / SAMPLE.toSeconds();
  }

  /** Minute rows one GPU keeps at the default retention. */
  static long minuteRowsPerGpu() {
    return Retention.DEFAULT.minutes().orElseThrow().toMinutes();
  }

  static int gpusPerNode() {
    return GPUS;
  }

  static Duration sample() {
    return SAMPLE;
  }

  static Duration backlog() {
    return BACKLOG;
  }

  static Duration cadenceRun() {
    return CADENCE_RUN;
  }

  static int reportRuns() {
    return REPORT_RUNS;
  }

  static Duration reportTarget() {
    return REPORT_TARGET;
  }

  static long hoursAYear() {
    return HOURS_A_YEAR;
  }

  static long daysAYear() {
    return DAYS_A_YEAR;
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
    return count(dbUrl, "energy_raw");
  }

  private long count(String dbUrl, String table) throws SQLException {
    try (Connection c = connect(dbUrl); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
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
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (java.io.IOException e) {
      return "?";
    }
  }
}
