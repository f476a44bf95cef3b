package io.carbongovernor.gpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How one workload (a model and batch size on one GPU family) responds to the power limit: the
 * time of one epoch and the average power drawn at each measured limit.
 *
 * <p>Between measured limits values are interpolated linearly; outside the measured range the
 * nearest end point applies, since a limit beyond the measurements tells us nothing new.
 * Immutable and thread-safe.
 */
public final class PowerProfile {

  /** One measurement: at {@code limit}, an epoch took {@code epochTime} and drew {@code averagePower}. */
  public record Point(Power limit, Duration epochTime, Power averagePower) {
    public Point {
      Objects.requireNonNull(limit, "limit");
      Objects.requireNonNull(epochTime, "epochTime");
      Objects.requireNonNull(averagePower, "averagePower");
      if (epochTime.isNegative() || epochTime.isZero()) {
        throw new IllegalArgumentException("epoch time must be positive, got " + epochTime);
      }
    }
  }

  private final String source;
  private final List<Point> points;
  private final double[] limitsMw;
  private final double[] epochSeconds;
  private final double[] powerWatts;

  private PowerProfile(String source, List<Point> sorted) {
    this.source = source;
    this.points = List.copyOf(sorted);
    int n = sorted.size();
    limitsMw = new double[n];
    epochSeconds = new double[n];
    powerWatts = new double[n];
    for (int i = 0; i < n; i++) {
      Point p = sorted.get(i);
      limitsMw[i] = p.limit().milliwatts();
      epochSeconds[i] = p.epochTime().toNanos() / 1e9;
      powerWatts[i] = p.averagePower().watts();
    }
  }

  /**
   * A profile from measured points in any order.
   *
   * @param source where the numbers come from, for reports (e.g. {@code zeus:a40 imagenet/resnet50 bs=256})
   * @throws IllegalArgumentException when there is no point or two points share a limit
   */
  public static PowerProfile of(String source, List<Point> points) {
    Objects.requireNonNull(source, "source");
    if (points.isEmpty()) {
      throw new IllegalArgumentException(source + ": a profile needs at least one point");
    }
    List<Point> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparing(Point::limit));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).limit().equals(sorted.get(i - 1).limit())) {
        throw new IllegalArgumentException(
            source + ": two points for power limit " + sorted.get(i).limit());
      }
    }
    return new PowerProfile(source, sorted);
  }

  /** Where the numbers come from, for reports. */
  public String source() {
    return source;
  }

  /** The measured points, by increasing limit. */
  public List<Point> points() {
    return points;
  }

  public Power lowestLimit() {
    return points.get(0).limit();
  }

  public Power highestLimit() {
    return points.get(points.size() - 1).limit();
  }

  /** Wall-clock time of one epoch at {@code limit}. */
  public Duration epochTimeAt(Power limit) {
    return Duration.ofNanos(Math.round(epochSecondsAt(limit) * 1e9));
  }

  /** {@link #epochTimeAt} in seconds, unrounded. */
  public double epochSecondsAt(Power limit) {
    return interpolate(epochSeconds, limit);
  }

  /** Average power drawn while training at {@code limit}. */
  public Power averagePowerAt(Power limit) {
    return Power.ofWatts(interpolate(powerWatts, limit));
  }

  /**
   * Throughput at {@code limit} relative to the highest measured limit (1.0 there). Can exceed
   * 1.0 slightly where a measurement at a lower limit happened to be faster.
   */
  public double relativeThroughputAt(Power limit) {
    return epochSeconds[epochSeconds.length - 1] / epochSecondsAt(limit);
  }

  /** Energy of one epoch at {@code limit}: average power times epoch time. */
  public Energy epochEnergyAt(Power limit) {
    return Energy.ofJoules(interpolate(powerWatts, limit) * epochSecondsAt(limit));
  }

  private double interpolate(double[] values, Power limit) {
    double x = limit.milliwatts();
    int last = limitsMw.length - 1;
    if (x <= limitsMw[0]) {
      return values[0];
    }
    if (x >= limitsMw[last]) {
      return values[last];
    }
    int i = 0;
    while (limitsMw[i + 1] < x) {
      i++;
    }
    double t = (x - limitsMw[i]) / (limitsMw[i + 1] - limitsMw[i]);
    return values[i] + t * (values[i + 1] - values[i]);
  }

  @Override
  public String toString() {
    return "PowerProfile[" + source + ", " + points.size() + " points " + lowestLimit() + "-" + highestLimit() + "]";
  }
}
