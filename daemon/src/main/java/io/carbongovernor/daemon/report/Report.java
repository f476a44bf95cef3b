package io.carbongovernor.daemon.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A carbon-savings report over {@code [from, to)}: totals, one row per group, the hourly series
 * for the charts, and which profile sources the baselines came from (with their energy share).
 */
public record Report(
    Instant from,
    Instant to,
    Optional<String> team,
    Optional<String> job,
    Breakdown by,
    Totals totals,
    List<Row> rows,
    List<HourPoint> hours,
    Map<String, List<DayPoint>> avoidedByTeamAndDay,
    Map<String, Double> profileSourceEnergyShare) {

  /** One group's totals. */
  public record Row(String key, Totals totals) {}

  /** One hour for the intensity-and-limit chart. */
  public record HourPoint(Instant hour, double intensity, double limitWatts) {}

  /** Avoided grams of one team on one day, for the cumulative chart. */
  public record DayPoint(String day, double avoidedG) {}

  public Report {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    rows = List.copyOf(rows);
    hours = List.copyOf(hours);
    avoidedByTeamAndDay = Map.copyOf(avoidedByTeamAndDay);
    profileSourceEnergyShare = Map.copyOf(profileSourceEnergyShare);
  }

  public boolean empty() {
    return totals.samples() == 0;
  }
}
