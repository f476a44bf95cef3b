package io.carbongovernor.daemon.report;

import io.carbongovernor.daemon.history.HistoryReadException;
import io.carbongovernor.daemon.history.RollupReader;
import io.carbongovernor.gpu.Energy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link Report} from the rollups a {@link RollupReader} reads. Totals and rows come
 * from the hour rollups (summed by day where a fleet's day rollup has them); the charts of a
 * short history come from the minute rollups of the same hours while retention still keeps them
 * all, those of a history longer than hours are drawn for from day buckets.
 */
public final class ReportQuery {

  private ReportQuery() {}

  /** A report over {@code [from, to)}, labelled with the instants. */
  public static Report run(
      String jdbcUrl, Instant from, Instant to, Optional<String> team, Optional<String> job, Breakdown by)
      throws HistoryReadException {
    return run(jdbcUrl, ReportRange.of(from, to), team, job, by);
  }

  /** A report from the history behind a JDBC URL, read without writing to it. */
  public static Report run(
      String jdbcUrl, ReportRange range, Optional<String> team, Optional<String> job, Breakdown by)
      throws HistoryReadException {
    try (RollupReader history = RollupReader.openReadOnly(jdbcUrl)) {
      return run(history, range, team, job, by);
    }
  }

  public static Report run(
      RollupReader history, ReportRange range, Optional<String> team, Optional<String> job, Breakdown by)
      throws HistoryReadException {
    return run(history, range, team, job, Optional.empty(), by);
  }

  /** A report of one team, job and node where given. */
  public static Report run(RollupReader history, ReportRange range, Optional<String> team, Optional<String> job,
      Optional<String> node, Breakdown by) throws HistoryReadException {
    // Energy outside any job is stored with an empty job and shown as NO_JOB.
    RollupReader.Filter filter = new RollupReader.Filter(range.from(), range.to(), team,
        job.map(j -> j.equals(Breakdown.NO_JOB) ? "" : j), node);
    Totals totals = Totals.ZERO;
    List<Report.Row> rows = new ArrayList<>();
    for (RollupReader.Group g : history.sumsBy(by.key(), filter)) {
      Totals t = Totals.of(g.sums());
      String key = by == Breakdown.JOB && g.key().isEmpty() ? Breakdown.NO_JOB : g.key();
      rows.add(new Report.Row(key, g.gpuIndices(), t));
      totals = totals.plus(t);
    }
    Map<String, Double> sources = new LinkedHashMap<>();
    for (Map.Entry<String, Energy> e : history.energyByProfileSource(filter).entrySet()) {
      sources.put(e.getKey(),
          totals.energyMj() > 0 ? e.getValue().millijoules() / (double) totals.energyMj() : 0.0);
    }
    return new Report(range, team, job, node, by, totals, rows, timeline(history, filter, totals), sources);
  }

  /**
   * The history over time: from the minute rollups when the hours with history span at most
   * what {@link Resolution#MINUTE} covers and every one of their samples still has its minute
   * row; from the day buckets when the chart sums days or weeks (cut to the first and last hour
   * with history, as an hour chart would be); from the hour rollups otherwise.
   */
  private static Timeline timeline(RollupReader history, RollupReader.Filter filter, Totals totals)
      throws HistoryReadException {
    List<Timeline.Bucket> days = buckets(history, RollupReader.Rollup.DAY, filter);
    if (days.isEmpty()) {
      return Timeline.EMPTY;
    }
    Duration hour = RollupReader.Rollup.HOUR.length();
    Duration day = RollupReader.Rollup.DAY.length();
    Instant firstDay = days.get(0).start();
    Instant lastDay = days.get(days.size() - 1).start();
    List<Timeline.Bucket> firstHours = buckets(history, RollupReader.Rollup.HOUR, within(filter, firstDay));
    List<Timeline.Bucket> lastHours = buckets(history, RollupReader.Rollup.HOUR, within(filter, lastDay));
    Instant first = firstHours.isEmpty() ? firstDay : firstHours.get(0).start();
    Instant last = lastHours.isEmpty() ? lastDay.plus(day) : lastHours.get(lastHours.size() - 1).start().plus(hour);
    Resolution resolution = Resolution.forSpan(Duration.between(first, last));
    if (resolution.compareTo(Resolution.DAY) >= 0) {
      return Timeline.of(resolution, days, first, last);
    }
    List<Timeline.Bucket> hours = buckets(history, RollupReader.Rollup.HOUR, filter);
    Duration minute = RollupReader.Rollup.MINUTE.length();
    if (resolution == Resolution.MINUTE) {
      // The minute rows of exactly the hours the totals cover, so chart and totals agree.
      List<Timeline.Bucket> minutes = buckets(history, RollupReader.Rollup.MINUTE, filter.between(first, last));
      long samples = minutes.stream().mapToLong(b -> b.totals().samples()).sum();
      if (samples == totals.samples()) {
        Instant start = minutes.get(0).start();
        Instant end = minutes.get(minutes.size() - 1).start().plus(minute);
        return Timeline.of(Resolution.forSpan(Duration.between(start, end)), minute, minutes);
      }
    }
    return Timeline.of(resolution, hour, hours);
  }

  /** The filter's hours on the UTC day starting at {@code day}. */
  private static RollupReader.Filter within(RollupReader.Filter filter, Instant day) {
    Instant end = day.plus(RollupReader.Rollup.DAY.length());
    return filter.between(day.isBefore(filter.from()) ? filter.from() : day, end.isAfter(filter.to()) ? filter.to() : end);
  }

  private static List<Timeline.Bucket> buckets(
      RollupReader history, RollupReader.Rollup rollup, RollupReader.Filter filter) throws HistoryReadException {
    return history.buckets(rollup, filter).stream()
        .map(b -> new Timeline.Bucket(b.start(), b.team(), Totals.of(b.sums())))
        .toList();
  }
}
