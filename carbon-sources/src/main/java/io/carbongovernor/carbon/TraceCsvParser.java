package io.carbongovernor.carbon;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads the two trace CSV layouts described on {@link CarbonTrace}. */
final class TraceCsvParser {

  /** Problems kept per file: enough to see a pattern, few enough to read. */
  static final int MAX_PROBLEMS = 20;

  private static final String EXPORT_TIME = "datetime (utc)";
  private static final String EXPORT_ZONE = "zone id";
  private static final String EXPORT_ESTIMATED = "data estimated";

  // STRICT so that 2023-02-30 is an error rather than quietly becoming Feb 28.
  private static final DateTimeFormatter UTC_LOCAL =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);

  // Decimal numbers only (Double.parseDouble would also take "1d" and hex); NaN and Infinity
  // parse so that they are reported as implausible rather than as garbage.
  private static final Pattern NUMBER =
      Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?|NaN|[+-]?Infinity");

  /** Where each field of a row is; -1 for an absent optional column. */
  private record Columns(int count, int time, int value, int zone, int estimated) {}

  private record Row(Instant start, CarbonIntensity intensity, boolean estimated) {}

  private final String file;
  private final List<TraceFormatException.Problem> problems = new ArrayList<>();
  private int omitted;

  private TraceCsvParser(String file) {
    this.file = file;
  }

  static CarbonTrace parse(BufferedReader reader, String file, TraceColumn column)
      throws IOException {
    return new TraceCsvParser(file).read(reader, column);
  }

  private CarbonTrace read(BufferedReader reader, TraceColumn column) throws IOException {
    int lineNo = 1;
    try {
      String header = reader.readLine();
      if (header != null && header.startsWith("\uFEFF")) {
        header = header.substring(1);
      }
      if (header == null || header.isBlank()) {
        throw new TraceFormatException(file, 1, "the file is empty; expected a header line");
      }
      Columns columns = columns(header, column);

      List<Row> rows = new ArrayList<>();
      Instant previous = null;
      String zone = null;
      int zoneLine = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = split(line);
        if (cells == null) {
          problem(lineNo, "unterminated quoted field");
          continue;
        }
        if (cells.size() != columns.count()) {
          problem(lineNo, "expected " + columns.count() + " columns, found " + cells.size());
          continue;
        }
        Instant start = time(lineNo, cells.get(columns.time()));
        CarbonIntensity intensity = value(lineNo, cells.get(columns.value()));
        Boolean estimated =
            columns.estimated() < 0 ? Boolean.FALSE : flag(lineNo, cells.get(columns.estimated()));
        if (columns.zone() >= 0) {
          String rowZone = cells.get(columns.zone()).strip();
          if (zone == null && !rowZone.isEmpty()) {
            zone = rowZone;
            zoneLine = lineNo;
          } else if (!rowZone.isEmpty() && !rowZone.equals(zone)) {
            problem(
                lineNo, "zone '" + rowZone + "' differs from '" + zone + "' of line " + zoneLine);
          }
        }
        if (start != null) {
          // Compared with the last readable time, even of a row with a bad value, so that one
          // bad value does not also raise an ordering problem on the next line.
          if (previous != null && !start.isAfter(previous)) {
            problem(lineNo, "time " + start + " is not after the previous row's " + previous);
            start = null;
          } else {
            previous = start;
          }
        }
        if (start != null && intensity != null && estimated != null) {
          rows.add(new Row(start, intensity, estimated));
        }
      }
      if (problems.isEmpty() && rows.isEmpty()) {
        problem(2, "no data rows after the header");
      }
      if (!problems.isEmpty()) {
        throw new TraceFormatException(file, problems, omitted);
      }
      return CarbonTrace.of(zone, slots(rows));
    } catch (CharacterCodingException e) {
      throw new TraceFormatException(file, lineNo + 1, "not valid UTF-8 text");
    }
  }

  private Columns columns(String header, TraceColumn column) throws TraceFormatException {
    List<String> names = split(header);
    if (names == null) {
      throw new TraceFormatException(file, 1, "unterminated quoted field in the header");
    }
    List<String> normalized = names.stream().map(TraceCsvParser::normalize).toList();
    if (normalized.equals(List.of("time", "value"))) {
      return new Columns(2, 0, 1, -1, -1);
    }
    if (normalized.equals(List.of("time", "value", "estimated"))) {
      return new Columns(3, 0, 1, -1, 2);
    }
    if (normalized.contains(EXPORT_TIME)) {
      int value = normalized.indexOf(column.normalizedHeader());
      if (value < 0) {
        throw new TraceFormatException(
            file, 1, "the Electricity Maps header has no 'Carbon Intensity gCO₂eq/kWh ("
                + (column == TraceColumn.DIRECT ? "direct" : "LCA") + ")' column");
      }
      return new Columns(
          names.size(),
          normalized.indexOf(EXPORT_TIME),
          value,
          normalized.indexOf(EXPORT_ZONE),
          normalized.indexOf(EXPORT_ESTIMATED));
    }
    throw new TraceFormatException(
        file, 1, "unknown header '" + header.strip() + "': expected an Electricity Maps export"
            + " ('Datetime (UTC),...,Carbon Intensity gCO₂eq/kWh (direct),...') or 'time,value'"
            + " with an optional 'estimated' column");
  }

  /** Header names compare trimmed, case-blind, with CO₂ spelled CO2 and runs of spaces as one. */
  private static String normalize(String name) {
    return name.strip().replace('₂', '2').replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
  }

  private Instant time(int lineNo, String cell) {
    String text = cell.strip();
    try {
      if (text.indexOf('T') >= 0) {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      }
      return LocalDateTime.parse(text, UTC_LOCAL).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      problem(lineNo, "cannot read time '" + text + "': expected an ISO-8601 instant with an offset"
          + " (2023-01-01T00:00:00Z) or YYYY-MM-DD HH:MM:SS in UTC");
      return null;
    }
  }

  private CarbonIntensity value(int lineNo, String cell) {
    String text = cell.strip();
    if (text.isEmpty()) {
      problem(lineNo, "empty carbon intensity value");
      return null;
    }
    if (!NUMBER.matcher(text).matches()) {
      problem(lineNo, "carbon intensity '" + text + "' is not a number");
      return null;
    }
    double grams = Double.parseDouble(text);
    if (!CarbonIntensity.isPlausible(grams)) {
      problem(lineNo, "implausible carbon intensity " + text + " gCO2eq/kWh: expected 0 to "
          + (int) CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH);
      return null;
    }
    return CarbonIntensity.gramsPerKwh(grams);
  }

  /** An absent flag (empty cell) means not estimated. */
  private Boolean flag(int lineNo, String cell) {
    String text = cell.strip().toLowerCase(Locale.ROOT);
    if (text.isEmpty() || text.equals("false")) {
      return Boolean.FALSE;
    }
    if (text.equals("true")) {
      return Boolean.TRUE;
    }
    problem(lineNo, "estimated flag '" + cell.strip() + "' is neither true nor false");
    return null;
  }

  private void problem(int lineNo, String message) {
    if (problems.size() < MAX_PROBLEMS) {
      problems.add(new TraceFormatException.Problem(lineNo, message));
    } else {
      omitted++;
    }
  }

  private static List<CarbonTrace.Slot> slots(List<Row> rows) {
    List<CarbonTrace.Slot> slots = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      Instant end;
      if (i + 1 < rows.size()) {
        end = rows.get(i + 1).start();
      } else if (i > 0) {
        end = row.start().plus(Duration.between(rows.get(i - 1).start(), row.start()));
      } else {
        end = row.start().plus(CarbonTrace.SINGLE_ROW_SLOT);
      }
      slots.add(new CarbonTrace.Slot(row.start(), end, row.intensity(), row.estimated()));
    }
    return slots;
  }

  /**
   * Splits one CSV line (RFC 4180 quoting: a quoted field may hold commas, {@code ""} is a quote).
   * Returns null for an unterminated quote.
   */
  static List<String> split(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    if (quoted) {
      return null;
    }
    cells.add(cell.toString());
    return cells;
  }
}
