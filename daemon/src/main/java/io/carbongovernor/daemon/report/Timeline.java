package io.carbongovernor.daemon.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The history over time for the charts: one slot per {@link Resolution} step that has history,
 * each with every team's sums. A slot without history is absent (the daemon was not running),
 * which a chart shows as a gap; a team without energy in a slot that has history is zero there.
 * The first and last slots are cut to the history's first and last rollup bucket, so a week
 * that history only partly covers is drawn over the part it covers.
 */
public record Timeline(Resolution resolution, Instant start, Instant end, List<String> teams, List<Slot> slots) {

  public static final Timeline EMPTY = new Timeline(Resolution.HOUR, Instant.EPOCH, Instant.EPOCH, List.of(), List.of());

  /** One slot, {@code [start, end)}, and each team's sums in it. */
  public record Slot(Instant start, Instant end, Map<String, Totals> byTeam) {

    public Slot {
      byTeam = Map.copyOf(byTeam);
    }

    /** A team's sums; zero for a team without energy in this slot. */
    public Totals team(String team) {
      return byTeam.getOrDefault(team, Totals.ZERO);
    }

    public Totals all() {
      return byTeam.values().stream().reduce(Totals.ZERO, Totals::plus);
    }
  }

  /** A rollup row's sums for one team in one bucket of {@code bucketLength}. */
  public record Bucket(Instant start, String team, Totals totals) {}

  public Timeline {
    Objects.requireNonNull(resolution, "resolution");
    teams = List.copyOf(teams);
    slots = List.copyOf(slots);
  }

  /**
   * Sums rollup buckets (minute or hour rows, oldest first) into slots of {@code resolution}.
   */
  static Timeline of(Resolution resolution, Duration bucketLength, List<Bucket> buckets) {
    if (buckets.isEmpty()) {
      return EMPTY;
    }
    return of(resolution, buckets, buckets.get(0).start(), buckets.get(buckets.size() - 1).start().plus(bucketLength));
  }

  /**
   * Sums rollup buckets (oldest first, each inside one slot of {@code resolution}) into slots,
   * the first and last cut to {@code [first, last)}, where the history starts and ends.
   */
  static Timeline of(Resolution resolution, List<Bucket> buckets, Instant first, Instant last) {
    if (buckets.isEmpty()) {
      return EMPTY;
    }
    Map<Instant, Map<String, Totals>> sums = new TreeMap<>();
    TreeSet<String> teams = new TreeSet<>();
    for (Bucket b : buckets) {
      teams.add(b.team());
      sums.computeIfAbsent(resolution.slotStart(b.start()), k -> new TreeMap<>())
          .merge(b.team(), b.totals(), Totals::plus);
    }
    List<Slot> slots = new ArrayList<>();
    for (Map.Entry<Instant, Map<String, Totals>> e : sums.entrySet()) {
      Instant slotStart = e.getKey();
      Instant slotEnd = slotStart.plus(resolution.length());
      slots.add(new Slot(
          slotStart.isBefore(first) ? first : slotStart, slotEnd.isAfter(last) ? last : slotEnd, e.getValue()));
    }
    return new Timeline(resolution, first, last, List.copyOf(teams), slots);
  }

  public boolean empty() {
    return slots.isEmpty();
  }

  public Duration span() {
    return Duration.between(start, end);
  }
}
