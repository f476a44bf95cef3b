package io.carbongovernor.bench.fleet;

import io.carbongovernor.bench.PageTemplate;
import io.carbongovernor.bench.fleet.FleetBench.Measured;
import io.carbongovernor.daemon.config.FleetConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code bench/results/fleet.md}'s figures from a run: the tables, and the findings worked out from
 * the largest fleet measured (rows a second against what the fleet needs, size per GPU and for the
 * whole fleet, the year report against its target).
 */
final class FleetPage {

  /** Rows a node writes per raw sample in steady state: the raw row, and its minute and hour rows again. */
  private static final int ROWS_PER_SAMPLE = 3;
  private static final double MIB = 1 << 20;
  private static final double GIB = 1 << 30;
  /** Shorter retention, the page's example. */
  private static final Duration SHORT_RAW = Duration.ofDays(2);
  private static final Duration SHORT_MINUTES = Duration.ofDays(14);

  private FleetPage() {}

  static void fill(PageTemplate page, Map<String, String> server, List<Integer> sizes, List<Measured> results) {
    Measured largest = results.get(results.size() - 1);
    for (Measured m : results) {
      if (m.nodes() > largest.nodes()) {
        largest = m;
      }
    }
    String sample = Long.toString(FleetBench.sample().toSeconds());
    page.put("sizes", and(sizes.stream().map(String::valueOf).toList()))
        .put("sizes-note", sizes.equals(FleetBench.DEFAULT_SIZES) ? ""
            : " This run measured " + and(sizes.stream().map(String::valueOf).toList()) + " nodes; `bench/fleet` with no"
                + " sizes measures " + and(FleetBench.DEFAULT_SIZES.stream().map(String::valueOf).toList()) + ".")
        .put("pg-version", server.get("server_version"))
        .put("pg-fsync", server.get("fsync"))
        .put("pg-synchronous-commit", server.get("synchronous_commit"))
        .put("pg-shared-buffers", server.get("shared_buffers"))
        .put("pg-max-connections", server.get("max_connections"))
        .put("gpus", Integer.toString(FleetBench.gpusPerNode()))
        .put("sample-s", sample)
        .put("backlog", duration(FleetBench.backlog()))
        .put("cadence", duration(FleetBench.cadenceRun()))
        .put("raw-days", Long.toString(Duration.ofSeconds(FleetBench.rawRowsPerGpu() * FleetBench.sample().toSeconds()).toDays()))
        .put("raw-rows-per-gpu", String.format(Locale.ROOT, "%,d", FleetBench.rawRowsPerGpu()))
        .put("minute-days", Long.toString(Duration.ofMinutes(FleetBench.minuteRowsPerGpu()).toDays()))
        .put("minute-rows-per-gpu", String.format(Locale.ROOT, "%,d", FleetBench.minuteRowsPerGpu()))
        .put("largest-year-rows", millions(largest.yearRows()))
        .put("largest", Integer.toString(largest.nodes()))
        .put("report-runs", Integer.toString(FleetBench.reportRuns()))
        .put("results", results.stream().map(FleetPage::row).collect(Collectors.joining("\n")))
        .put("row-sizes", results.stream().map(m -> String.format(Locale.ROOT, "| %d | %,.0f | %,.0f | %,.0f |",
            m.nodes(), m.rawRowBytes(), m.minuteRowBytes(), m.hourRowBytes())).collect(Collectors.joining("\n")))
        .put("findings", findings(results, largest));
  }

  private static String row(Measured m) {
    return String.format(Locale.ROOT,
        "| %d | %d | %,.0f | %,.0f | %.0fx | %,.0f | %,d / %,d | %,d | %.1f MiB | %.1f s | %.2f s | %s |",
        m.nodes(), m.gpus(), m.need(), m.drain(), m.drain() / m.need(), m.allTables(), m.arrived(), m.expected(),
        m.spoolLeft(), m.gpuYearBytes() / MIB, m.rollupSeconds(), m.reportSeconds(), m.loadAfter());
  }

  private static String findings(List<Measured> results, Measured l) {
    int gpus = FleetBench.gpusPerNode();
    long sample = FleetBench.sample().toSeconds();
    StringBuilder s = new StringBuilder();

    // Writes.
    s.append(String.format(Locale.ROOT, "- **Writes**: one PostgreSQL on this machine took %,.0f raw rows a second,"
        + " with their rollups, from %d nodes at once: %.0f times what %d nodes of %d GPUs produce at the default"
        + " `sample-every: %ds` (%,.0f raw rows a second). ", l.drain(), l.nodes(), l.drain() / l.need(), l.nodes(),
        gpus, sample, l.need()));
    List<Measured> short_ = results.stream().filter(m -> m.arrived() < m.expected() || m.spoolLeft() > 0).toList();
    if (short_.isEmpty()) {
      s.append("At the real cadence every row arrived and no spool kept anything, at every fleet size. ");
    } else {
      s.append("At the real cadence ").append(and(short_.stream().map(m -> String.format(Locale.ROOT,
          "%d nodes had %,d of %,d raw rows arrive and %,d left in their spools", m.nodes(), m.arrived(), m.expected(),
          m.spoolLeft())).toList())).append(". ");
    }
    List<Measured> large = results.stream().filter(m -> m.nodes() >= 100).toList();
    if (large.size() >= 2) {
      double lo = large.stream().mapToDouble(Measured::drain).min().orElseThrow();
      double hi = large.stream().mapToDouble(Measured::drain).max().orElseThrow();
      String range = and(large.stream().map(m -> String.format(Locale.ROOT, "%,.0f at %d nodes", m.drain(), m.nodes()))
          .toList());
      s.append(hi / lo <= 1.25
          ? "The drain rate stays within " + Math.round(100 * (hi / lo - 1)) + " % (" + range + "), so the ceiling is"
              + " the server's CPU and disk, not the number of writers. "
          : "The drain rate moves with the number of writers: " + range + ". ");
    }
    double perNode = ROWS_PER_SAMPLE * gpus / (double) sample;
    s.append(String.format(Locale.ROOT, "In steady state a node also resends its changed minute and hour rows every"
        + " round (%d raw, %d minute and %d hour rows per %d s), about %d rows written per raw sample, so by the"
        + " all-tables rate of the largest fleet (%,.0f rows a second) this one small machine would carry very roughly"
        + " %s nodes of %d GPUs: a bound to check on the real server, not a promise.%n", gpus, gpus, gpus, sample,
        ROWS_PER_SAMPLE, l.allTables(), oneFigure(l.allTables() / perNode), gpus));

    // Size.
    double raw = FleetBench.rawRowsPerGpu() * l.rawRowBytes() / MIB;
    double minutes = FleetBench.minuteRowsPerGpu() * l.minuteRowBytes() / MIB;
    double hours = FleetBench.hoursAYear() * l.hourRowBytes() / MIB;
    double days = FleetBench.daysAYear() * l.hourRowBytes() / MIB;
    double total = raw + minutes + hours + days;
    double shortWindows = (SHORT_RAW.toSeconds() / sample * l.rawRowBytes()
        + SHORT_MINUTES.toMinutes() * l.minuteRowBytes()) / MIB;
    s.append(String.format(Locale.ROOT, "- **Size** (bytes per row of the %d-node run): about %.0f MiB per GPU at the"
        + " default retention, %.0f %% of it the fixed windows of raw samples (%.0f MiB) and minute rows (%.0f MiB);"
        + " what grows year after year is %.1f MiB per GPU-year of hour rows and %.1f MiB of day rows. %d nodes of %d"
        + " GPUs hold about %s GiB at the defaults; with `history.retention: {raw: %dd, minutes: %dd}` on the nodes"
        + " (retention runs on the fleet database with the same settings) it is about %s GiB plus %s GiB a"
        + " year.%n", l.nodes(), total, 100 * (raw + minutes) / total, raw, minutes, hours, days, l.nodes(), gpus,
        gib(total * MIB * l.gpus()), SHORT_RAW.toDays(), SHORT_MINUTES.toDays(), gib(shortWindows * MIB * l.gpus()),
        gib((hours + days) * MIB * l.gpus())));

    // The year report.
    double target = FleetBench.reportTarget().toMillis() / 1000.0;
    List<Measured> others = results.stream().filter(m -> m != l).toList();
    s.append(String.format(Locale.ROOT, "- **A year's report by team over the whole fleet**: %.2f s for %,d GPUs%s, %s"
        + " the %.0f s target, because it reads day rows (%s for %d nodes) rather than %s hour rows (see"
        + " `PostgresRollupReader`).%n", l.reportSeconds(), l.gpus(),
        others.isEmpty() ? "" : " (" + and(others.stream().map(m -> String.format(Locale.ROOT, "%.2f s for %,d",
            m.reportSeconds(), m.gpus())).toList()) + ")",
        l.reportSeconds() < target ? "under" : "**over**", target, millions(l.dayRows()), l.nodes(),
        millions(l.yearRows())));

    // The day rollup.
    s.append(String.format(Locale.ROOT, "- **The day rollup** of a whole year at once (%.1f s for %s hour rows) is what"
        + " a fleet that never ran the job would face; the `fleet-rollup` job runs every %d minutes by default and"
        + " recomputes only the days that changed, normally one (1/%d of that).", l.rollupSeconds(),
        millions(l.yearRows()), FleetConfig.DEFAULT_ROLLUP_EVERY.toMinutes(), FleetBench.daysAYear()));
    return s.toString();
  }

  private static String gib(double bytes) {
    double g = bytes / GIB;
    return String.format(Locale.ROOT, g >= 10 ? "%,.0f" : "%.1f", g);
  }

  private static String duration(Duration d) {
    if (d.toMinutes() >= 60 && d.toMinutesPart() == 0) {
      return d.toHours() == 1 ? "an hour" : d.toHours() + " hours";
    }
    return d.toSeconds() == 60 ? "one minute" : d.toSeconds() + " s";
  }

  /** "35 million", "1.46 million", or the number itself below a million. */
  private static String millions(long n) {
    if (n < 1_000_000) {
      return String.format(Locale.ROOT, "%,d", n);
    }
    double m = n / 1e6;
    return (m >= 10 ? String.format(Locale.ROOT, "%.0f", m) : String.format(Locale.ROOT, "%.2f", m)) + " million";
  }

  /** One significant figure: 4,450 is "4,000". */
  private static String oneFigure(double x) {
    double scale = Math.pow(10, Math.floor(Math.log10(x)));
    return String.format(Locale.ROOT, "%,.0f", Math.round(x / scale) * scale);
  }

  private static String and(List<String> parts) {
    if (parts.size() <= 1) {
      return String.join("", parts);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }
}
