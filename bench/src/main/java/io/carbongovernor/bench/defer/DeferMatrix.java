package io.carbongovernor.bench.defer;

import io.carbongovernor.carbon.CarbonTrace;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerConstraints;
import io.carbongovernor.gpu.PowerProfile;
import io.carbongovernor.gpu.ZeusProfiles;
import io.carbongovernor.policy.ForecastSettings;
import io.carbongovernor.policy.sim.DeferContender;
import io.carbongovernor.policy.sim.DeferResult;
import io.carbongovernor.policy.sim.DeferralExperiment;
import io.carbongovernor.policy.sim.ForecastError;
import io.carbongovernor.policy.sim.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Start-time planning on every trace given: 6-hour jobs (ResNet-50 on an A40) with 18 hours of
 * slack, one arriving every 25 hours from day 8 (so arrivals walk through every hour of the day),
 * under run now, defer only, forecast's power limits alone, defer plus forecast, and the joint
 * oracle of start and limits; once with the history forecaster only (no forecast source) and once
 * with a perfect forecast of forecast's default horizon. Writes a Markdown page. Usage: {@code
 * DeferMatrix OUT.md COMMAND TRACE...}; -Dcommit, -Dnproc, -Dload describe the run.
 */
public final class DeferMatrix {

  static final Duration JOB = Duration.ofHours(6);
  static final Duration SLACK = Duration.ofHours(18);
  static final Duration EVERY = Duration.ofHours(25);
  static final Duration WARM_UP = Duration.ofDays(8);
  static final Duration MARGIN = Duration.ofMinutes(15);
  static final double BUDGET = 5;
  static final double GOAL = 0.90;

  private DeferMatrix() {}

  record Row(String grid, String forecast, List<DeferResult> results) {
    DeferResult get(String name) {
      return results.stream().filter(r -> r.contender().name().equals(name)).findFirst().orElseThrow();
    }
  }

  /** Forecast errors tried: the spread of the log ratio a day ahead. */
  private static final double[] ERRED = {0.2, 0.4};
  private static final long SEED = 20231;

  private static String erred(double spread) {
    return String.format(Locale.ROOT, "48 h, %.0f %% a day ahead", spread * 100);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: DeferMatrix OUT.md COMMAND TRACE...");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    String command = args[1];
    Instant began = Instant.now();
    int threads = Integer.getInteger("threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Row>> rows = new ArrayList<>();
    for (int t = 2; t < args.length; t++) {
      Path file = Path.of(args[t]);
      CarbonTrace trace = CarbonTrace.read(file);
      String grid = file.getFileName().toString().replaceFirst("_hourly\\.csv$", "").replaceFirst("\\.csv$", "");
      rows.add(pool.submit(() -> row(grid, "history only", simulator(trace))));
      rows.add(pool.submit(() -> row(grid, "perfect 48 h",
          simulator(trace).withPerfectForecast(ForecastSettings.DEFAULT_HORIZON))));
      for (double spread : ERRED) {
        rows.add(pool.submit(() -> row(grid, erred(spread),
            simulator(trace).withForecast(ForecastSettings.DEFAULT_HORIZON, new ForecastError(spread, SEED)))));
      }
    }
    List<Row> done = new ArrayList<>();
    try {
      for (Future<Row> f : rows) {
        Row r = f.get();
        System.err.printf(Locale.ROOT, "%s (%s): share %.3f%n", r.grid(), r.forecast(),
            r.get("defer+forecast").oracleShare());
        done.add(r);
      }
    } finally {
      pool.shutdownNow();
    }
    Files.writeString(out, page(done, command, began, Instant.now(), threads));
    System.err.println("wrote " + out);
  }

  static Simulator simulator(CarbonTrace trace) {
    PowerConstraints limits = new PowerConstraints(Power.ofWatts(100), Power.ofWatts(300));
    Gpu gpu = new Gpu(0, "SIM", "a40", limits, limits.max());
    PowerProfile profile = ZeusProfiles.bundled("a40").profile("imagenet/resnet50", 256);
    return Simulator.create(trace, gpu, profile);
  }

  static Row row(String grid, String forecast, Simulator sim) {
    double epochs = JOB.toSeconds() / sim.fullSpeedSeconds(1);
    List<Instant> arrivals = DeferralExperiment.arrivals(sim, sim.traceStart().plus(WARM_UP), EVERY,
        Duration.between(sim.traceStart(), sim.traceEnd()), epochs, SLACK);
    DeferralExperiment ex = DeferralExperiment.of(sim, arrivals, epochs, SLACK, MARGIN);
    List<DeferContender> all = DeferContender.all(BUDGET);
    return new Row(grid, forecast, ex.measure(all, DeferContender.oracle(BUDGET)));
  }

  static String page(List<Row> rows, String command, Instant began, Instant ended, int threads) {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    StringBuilder s = new StringBuilder();
    s.append("# Start-time planning: defer, then govern\n\n");
    s.append(String.format(Locale.ROOT,
        "Produced by `%s` at commit %s, %s to %s UTC (%.1f min, %d thread(s)), nproc %s, load average %s at the"
            + " start and %s at the end. Its figures are simulated outcomes, not timings: the load changes how long"
            + " it takes, never what it reports.%n%n",
        command, System.getProperty("commit", "unknown"), f.format(began), f.format(ended).substring(11),
        Duration.between(began, ended).toSeconds() / 60.0, threads, System.getProperty("nproc", "?"),
        System.getProperty("load", "?"), loadNow()));
    s.append("""
        Jobs: ResNet-50 (batch 256) on an A40 (100-300 W, Zeus profile), each 6 h of work at full
        speed with 18 h of slack (deadline 24 h after arrival), one arriving every 25 h from day 8 of
        each trace, so arrivals walk through every hour of the day. A queue looks once an hour; a
        deferring contender asks the start planner each time with what it knows then and starts the
        job once the plan is due. Contenders, all held to the same deadline:

        - **run-now**: starts at arrival at full speed (the baseline).
        - **defer**: the planner's start (slowdown 0, margin 15 min), then full speed.
        - **forecast**: starts at arrival under `forecast` with a per-job budget of 5 %.
        - **defer+forecast**: the planner's start (reserving the 5 % and 15 min before the
          deadline), then `forecast` at 5 % per job.
        - **oracle**: the best start (the arrival or any hour boundary after it) and limits together,
          with perfect knowledge, each job within 5 % of its full-speed time and by its deadline;
          exact (checked against exhaustive search in `DeferralExperimentTest`).

        Share: the fraction of the oracle's carbon reduction (against run-now) reached. Forecast
        "history only": no forecast source, only the current slot and the 8 days before it (a
        daemon without a forecasting provider, keeping its default history): the planner expects
        the week's daily profile plus the current departure from it, fading at the persistence
        fitted on those days; "perfect 48 h": the trace's next 48 h as the forecast
        (an upper bound on what a forecasting provider is worth); "48 h, N % a day ahead": the
        trace's next 48 h, each slot off by a factor exp(e), e a random walk over the lead time
        whose spread (standard deviation) grows as its square root to N % a day ahead, drawn
        afresh for every forecast issued (a provider's forecast, which errs more the further it
        looks; a fixed seed, so the page is repeatable). Late starts (after the latest
        feasible start) and missed deadlines are counted over every contender's every job.

        """);
    s.append(String.format(Locale.ROOT, "Goal: defer+forecast reaches at least %.2f of the oracle's reduction on every grid.%n%n", GOAL));
    s.append("| grid | forecast | jobs | run-now kg | defer | forecast | defer+forecast | oracle | defer+forecast share | added over forecast alone | mean delay (defer+forecast) | late starts | missed deadlines | goal |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      DeferResult now = r.get("run-now");
      DeferResult df = r.get("defer+forecast");
      DeferResult fc = r.get("forecast");
      int late = 0;
      int missed = 0;
      for (DeferResult x : r.results()) {
        late += x.lateStarts();
        missed += x.missedDeadlines();
      }
      s.append(String.format(Locale.ROOT,
          "| %s | %s | %d | %.1f | %+.1f %% | %+.1f %% | %+.1f %% | %+.1f %% | %.3f | %+.1f pp | %.1f h | %d | %d | %s |%n",
          r.grid(), r.forecast(), now.totals().jobs(), now.totals().grams() / 1000,
          r.get("defer").carbonChangePercent(), fc.carbonChangePercent(), df.carbonChangePercent(),
          r.get("oracle").carbonChangePercent(), df.oracleShare(), df.carbonChangePercent() - fc.carbonChangePercent(),
          df.meanDelayHours(), late, missed, df.oracleShare() >= GOAL ? "met" : "**missed**"));
    }
    s.append("""

        Columns defer to oracle: carbon change against run-now. "Added over forecast alone": how
        many points of carbon defer+forecast saves beyond forecast's power limits starting at
        arrival.

        """);
    List<String> forecasts = new ArrayList<>(List.of("history only", "perfect 48 h"));
    for (double spread : ERRED) {
      forecasts.add(erred(spread));
    }
    for (String forecast : forecasts) {
      List<Row> of = rows.stream().filter(r -> r.forecast().equals(forecast)).toList();
      List<String> missed = of.stream().filter(r -> !(r.get("defer+forecast").oracleShare() >= GOAL))
          .map(r -> String.format(Locale.ROOT, "%s (%.3f)", r.grid(), r.get("defer+forecast").oracleShare())).toList();
      double worst = of.stream().mapToDouble(r -> r.get("defer+forecast").oracleShare()).min().orElse(Double.NaN);
      s.append(String.format(Locale.ROOT, "- **%s**: goal met on %d of %d grids (worst share %.3f)%s.%n", forecast,
          of.size() - missed.size(), of.size(), worst, missed.isEmpty() ? "" : "; missed on " + String.join(", ", missed)));
    }
    s.append("""

        `bench/data/CISO_2022_eia930_lifecycle.csv` is left out: it has gaps (the hour after
        2022-01-05 09:00 is missing, among others), and the simulator needs evenly spaced slots.
        """);
    return s.toString();
  }

  private static String loadNow() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }
}
