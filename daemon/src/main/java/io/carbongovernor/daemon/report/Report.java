package io.carbongovernor.daemon.report;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A carbon-savings report over a {@link ReportRange}: totals, one row per group, the history
 * over time for the charts, and which profile sources the baselines came from (with their
 * energy share, largest first).
 */
public record Report(
    ReportRange range,
    Optional<String> team,
    Optional<String> job,
    Optional<String> node,
    Breakdown by,
    Totals totals,
    List<Row> rows,
    Timeline timeline,
    Map<String, Double> profileSourceEnergyShare) {

  /**
   * One group's totals.
   *
   * @param key the team, job ({@link Breakdown#NO_JOB} for energy outside any job), GPU UUID, day
   *     or node
   * @param gpuIndices the indices the GPU had (they change across reboots), lowest first; empty
   *     unless grouped by GPU
   */
  public record Row(String key, List<Integer> gpuIndices, Totals totals) {

    public Row {
      Objects.requireNonNull(key, "key");
      gpuIndices = List.copyOf(gpuIndices);
      Objects.requireNonNull(totals, "totals");
    }

    /** The key with the GPU's index where known: {@code GPU-... (index 0)}. */
    public String label() {
      if (gpuIndices.isEmpty()) {
        return key;
      }
      return key + (gpuIndices.size() == 1 ? " (index " : " (indices ")
          + String.join(", ", gpuIndices.stream().map(String::valueOf).toList()) + ")";
    }
  }

  public Report {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(timeline, "timeline");
    rows = List.copyOf(rows);
    profileSourceEnergyShare = Collections.unmodifiableMap(new LinkedHashMap<>(profileSourceEnergyShare));
  }

  public Instant from() {
    return range.from();
  }

  /** The end of the range, excluded. */
  public Instant to() {
    return range.to();
  }

  /** What the report is limited to, for its heading: {@code ", team vision, node gpu-07"}. */
  public String scope() {
    return team.map(t -> ", team " + t).orElse("") + job.map(j -> ", job " + j).orElse("")
        + node.map(n -> ", node " + n).orElse("");
  }

  public boolean empty() {
    return totals.samples() == 0;
  }
}
