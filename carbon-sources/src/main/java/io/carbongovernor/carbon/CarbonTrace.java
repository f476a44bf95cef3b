package io.carbongovernor.carbon;

import io.carbongovernor.common.ByteSize;
import io.carbongovernor.common.InputFiles;
import io.carbongovernor.common.UnsuitableFileException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable carbon-intensity time series read from a file: consecutive slots in time order,
 * and the zone when the file names one.
 *
 * <p>Two CSV layouts are read (UTF-8, an optional byte-order mark is skipped), told apart by the
 * header:
 *
 * <ul>
 *   <li>the Electricity Maps export: {@code Datetime (UTC),Country,Zone Name,Zone Id,Carbon
 *       Intensity gCO₂eq/kWh (direct),Carbon Intensity gCO₂eq/kWh (LCA),...,Data Estimated,...};
 *       columns are found by name, the value column is chosen by {@link TraceColumn}, the zone
 *       comes from {@code Zone Id} and the estimated flag from {@code Data Estimated};
 *   <li>a plain file: {@code time,value} or {@code time,value,estimated}, value in gCO2eq/kWh, no
 *       zone.
 * </ul>
 *
 * <p>Times are ISO-8601 with an offset ({@code 2023-01-01T00:00:00Z}) or {@code YYYY-MM-DD
 * HH:MM:SS} in UTC, and mark slot starts. Each slot ends where the next row starts; the last slot
 * is as long as the one before it (one hour in a one-row file).
 */
public final class CarbonTrace {

  /**
   * The largest trace file read: a year of hourly Electricity Maps export takes about 1 MiB, a
   * year of 5-minute {@code time,value} rows about 4 MiB.
   */
  public static final ByteSize MAX_FILE = ByteSize.ofMebibytes(32);

  /** Length of the only slot of a one-row file, where no neighbour tells the length. */
  static final Duration SINGLE_ROW_SLOT = Duration.ofHours(1);

  /** One slot {@code [start, end)} of a trace. */
  public record Slot(Instant start, Instant end, CarbonIntensity intensity, boolean estimated) {
    public Slot {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(intensity, "intensity");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("slot end " + end + " is not after its start " + start);
      }
    }

    public Duration length() {
      return Duration.between(start, end);
    }

    public boolean covers(Instant instant) {
      return !instant.isBefore(start) && instant.isBefore(end);
    }
  }

  private final String zone;
  private final List<Slot> slots;

  private CarbonTrace(String zone, List<Slot> slots) {
    this.zone = zone;
    this.slots = slots;
  }

  /**
   * A trace built in code (simulator inputs, tests).
   *
   * @param zone the zone the trace belongs to, or {@code null} for one that serves any zone
   * @param slots at least one slot, in time order, not overlapping
   */
  public static CarbonTrace of(String zone, List<Slot> slots) {
    List<Slot> copy = List.copyOf(slots);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("a trace needs at least one slot");
    }
    for (int i = 1; i < copy.size(); i++) {
      if (copy.get(i).start().isBefore(copy.get(i - 1).end())) {
        throw new IllegalArgumentException(
            "slot " + i + " starts at " + copy.get(i).start() + ", before the previous slot ends at "
                + copy.get(i - 1).end());
      }
    }
    return new CarbonTrace(zone == null || zone.isBlank() ? null : zone, copy);
  }

  /** Reads a trace file, taking the {@link TraceColumn#DIRECT direct} column of an export. */
  public static CarbonTrace read(Path file) throws IOException {
    return read(file, TraceColumn.DIRECT);
  }

  /**
   * Reads a trace file.
   *
   * @throws TraceFormatException when the file is empty, has an unknown header or bad rows
   * @throws UnsuitableFileException when the file is no regular file or larger than {@link
   *     #MAX_FILE}
   * @throws IOException when the file cannot be read
   */
  public static CarbonTrace read(Path file, TraceColumn column) throws IOException {
    // The reader reports malformed UTF-8 instead of replacing it.
    try (BufferedReader reader = InputFiles.newReader(file, MAX_FILE)) {
      return TraceCsvParser.parse(reader, file.toString(), column);
    }
  }

  /**
   * Reads a trace from a stream (for example a classpath resource); the stream is not closed.
   *
   * @param name how the trace is named in error messages
   */
  public static CarbonTrace read(InputStream in, String name, TraceColumn column)
      throws IOException {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
    return TraceCsvParser.parse(reader, name, column);
  }

  /** The zone named by the file; empty for a trace that serves any zone. */
  public Optional<String> zone() {
    return Optional.ofNullable(zone);
  }

  /** All slots in time order. */
  public List<Slot> slots() {
    return slots;
  }

  /** Start of the first slot. */
  public Instant start() {
    return slots.get(0).start();
  }

  /** End of the last slot. */
  public Instant end() {
    return slots.get(slots.size() - 1).end();
  }

  /** The slot covering {@code instant}, if any. */
  public Optional<Slot> slotAt(Instant instant) {
    List<Slot> found = overlapping(instant, instant.plusNanos(1));
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** The slots that overlap {@code [from, to)}, in time order. */
  public List<Slot> overlapping(Instant from, Instant to) {
    // Ends increase strictly, so binary-search the first slot ending after `from`.
    int lo = 0;
    int hi = slots.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (slots.get(mid).end().isAfter(from)) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    List<Slot> found = new ArrayList<>();
    for (int i = lo; i < slots.size() && slots.get(i).start().isBefore(to); i++) {
      found.add(slots.get(i));
    }
    return found;
  }

  /** The time-weighted mean intensity over all slots. */
  public CarbonIntensity mean() {
    double weighted = 0;
    double seconds = 0;
    for (Slot s : slots) {
      double length = s.length().toMillis() / 1000.0;
      weighted += s.intensity().gramsPerKwh() * length;
      seconds += length;
    }
    return CarbonIntensity.gramsPerKwh(weighted / seconds);
  }

  @Override
  public String toString() {
    return "CarbonTrace[zone=" + (zone == null ? "any" : zone) + ", " + slots.size() + " slots, "
        + start() + " .. " + end() + "]";
  }
}
