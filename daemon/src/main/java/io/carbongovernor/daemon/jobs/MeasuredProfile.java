package io.carbongovernor.daemon.jobs;

import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A job's own throughput at each power limit it ran at, built from its progress reports. Once it
 * has enough points it replaces the built-in default profile for that job: measured beats
 * configured beats default (docs/reports-and-accounting.md, "Accounting").
 */
public final class MeasuredProfile {

  /** Distinct limits needed before the measurement is trusted over the default. */
  static final int MIN_LIMITS = 3;

  /** Time measured at one limit before that point counts. */
  static final Duration MIN_TIME_PER_LIMIT = Duration.ofMinutes(1);

  private record Accumulated(double work, double seconds) {}

  private final SortedMap<Power, Accumulated> byLimit;

  private MeasuredProfile(SortedMap<Power, Accumulated> byLimit) {
    this.byLimit = byLimit;
  }

  static MeasuredProfile empty() {
    return new MeasuredProfile(Collections.unmodifiableSortedMap(new TreeMap<>()));
  }

  /** This profile with {@code work} units done in {@code elapsed} at {@code limit}. */
  MeasuredProfile plus(Power limit, double work, Duration elapsed) {
    if (work < 0 || elapsed.isNegative() || elapsed.isZero()) {
      return this;
    }
    TreeMap<Power, Accumulated> next = new TreeMap<>(byLimit);
    Accumulated a = next.getOrDefault(limit, new Accumulated(0, 0));
    next.put(limit, new Accumulated(a.work + work, a.seconds + elapsed.toNanos() / 1e9));
    return new MeasuredProfile(Collections.unmodifiableSortedMap(next));
  }

  /** Work units per second at each limit with enough time behind it. */
  public SortedMap<Power, Double> throughputByLimit() {
    TreeMap<Power, Double> out = new TreeMap<>();
    for (Map.Entry<Power, Accumulated> e : byLimit.entrySet()) {
      if (e.getValue().seconds >= MIN_TIME_PER_LIMIT.toSeconds()) {
        out.put(e.getKey(), e.getValue().work / e.getValue().seconds);
      }
    }
    return Collections.unmodifiableSortedMap(out);
  }

  /**
   * This measurement as a workload profile, once it is usable: the time of one "epoch" of a
   * million work units at each measured limit, with the power the GPU draws there taken from
   * {@code powers} (the default profile; progress reports carry no power), or the limit itself.
   */
  public Optional<PowerProfile> asProfile(String label, Optional<PowerProfile> powers) {
    if (!usable()) {
      return Optional.empty();
    }
    List<PowerProfile.Point> points = new ArrayList<>();
    throughputByLimit()
        .forEach(
            (limit, perSecond) ->
                points.add(
                    new PowerProfile.Point(
                        limit,
                        Duration.ofNanos(Math.round(1e6 / perSecond * 1e9)),
                        powers.map(p -> Power.min(limit, p.averagePowerAt(limit))).orElse(limit))));
    return Optional.of(PowerProfile.of(label, points));
  }

  /** Whether there are enough points to trust this over the default profile. */
  public boolean usable() {
    return throughputByLimit().size() >= MIN_LIMITS;
  }
}
