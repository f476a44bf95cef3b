package io.carbongovernor.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarbonTraceTest {

  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(CarbonTraceTest.class.getResource("/traces/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static CarbonTrace.Slot slot(String start, String end, double grams, boolean estimated) {
    return new CarbonTrace.Slot(
        Instant.parse(start), Instant.parse(end), CarbonIntensity.gramsPerKwh(grams), estimated);
  }

  private static TraceFormatException formatError(String fixture) {
    return catchThrowableOfType(
        TraceFormatException.class, () -> CarbonTrace.read(fixture(fixture)));
  }

  @Test
  void readsElectricityMapsExportWithDirectColumnByDefault() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("export_small.csv"));

    assertThat(trace.zone()).contains("US-CAL-CISO");
    assertThat(trace.slots())
        .containsExactly(
            slot("2023-01-01T00:00:00Z", "2023-01-01T01:00:00Z", 238.69, false),
            slot("2023-01-01T01:00:00Z", "2023-01-01T02:00:00Z", 220.25, false),
            slot("2023-01-01T02:00:00Z", "2023-01-01T03:00:00Z", 215.1, true),
            slot("2023-01-01T03:00:00Z", "2023-01-01T04:00:00Z", 230.0, false));
    assertThat(trace.start()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
    assertThat(trace.end()).isEqualTo(Instant.parse("2023-01-01T04:00:00Z"));
  }

  @Test
  void readsLifecycleColumnWhenAsked() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("export_small.csv"), TraceColumn.LIFECYCLE);

    assertThat(trace.slots())
        .extracting(s -> s.intensity().gramsPerKwh())
        .containsExactly(309.75, 283.77, 280.02, 300.5);
  }

  @Test
  void findsExportColumnsByNameDespiteBomSpellingSpacesOrderAndCrlf() throws IOException {
    CarbonTrace direct = CarbonTrace.read(fixture("export_bom_reordered.csv"));
    CarbonTrace lca = CarbonTrace.read(fixture("export_bom_reordered.csv"), TraceColumn.LIFECYCLE);

    assertThat(direct.zone()).contains("GB");
    assertThat(direct.slots())
        .containsExactly(
            slot("2023-06-01T00:00:00Z", "2023-06-01T01:00:00Z", 62.55, false),
            slot("2023-06-01T01:00:00Z", "2023-06-01T02:00:00Z", 65.09, true));
    assertThat(lca.slots()).extracting(s -> s.intensity().gramsPerKwh()).containsExactly(91.44, 94.66);
  }

  @Test
  void readsPlainLayoutWithMixedTimeFormatsAndHalfHourSlots() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("plain.csv"));

    assertThat(trace.zone()).isEmpty();
    // The last slot is as long as the one before it.
    assertThat(trace.slots())
        .containsExactly(
            slot("2023-03-01T00:00:00Z", "2023-03-01T00:30:00Z", 100.5, false),
            slot("2023-03-01T00:30:00Z", "2023-03-01T01:00:00Z", 120, false),
            slot("2023-03-01T01:00:00Z", "2023-03-01T01:30:00Z", 140, false));
  }

  @Test
  void readsPlainEstimatedColumnWithEmptyMeaningFalse() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("plain_estimated.csv"));

    assertThat(trace.slots()).extracting(CarbonTrace.Slot::estimated).containsExactly(false, true, false);
  }

  @Test
  void oneRowFileHasOneHourSlot() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("one_row.csv"));

    assertThat(trace.slots())
        .containsExactly(slot("2023-05-05T12:00:00Z", "2023-05-05T13:00:00Z", 42, false));
  }

  @Test
  void readsFromStreamUnderGivenName() throws IOException {
    try (InputStream in = CarbonTraceTest.class.getResourceAsStream("/traces/export_small.csv")) {
      CarbonTrace trace = CarbonTrace.read(in, "classpath:export_small.csv", TraceColumn.DIRECT);
      assertThat(trace.slots()).hasSize(4);
    }
    try (InputStream in = CarbonTraceTest.class.getResourceAsStream("/traces/empty.csv")) {
      assertThatThrownBy(() -> CarbonTrace.read(in, "classpath:empty.csv", TraceColumn.DIRECT))
          .isInstanceOf(TraceFormatException.class)
          .hasMessageStartingWith("classpath:empty.csv:1: ");
    }
  }

  @Test
  void rejectsEmptyFileAtLineOne() {
    TraceFormatException e = formatError("empty.csv");

    assertThat(e.file()).isEqualTo(fixture("empty.csv").toString());
    assertThat(e.line()).isEqualTo(1);
    assertThat(e.getMessage()).isEqualTo(fixture("empty.csv") + ":1: the file is empty; expected a header line");
  }

  @Test
  void rejectsHeaderWithoutRows() {
    TraceFormatException e = formatError("header_only.csv");

    assertThat(e.problems()).containsExactly(new TraceFormatException.Problem(2, "no data rows after the header"));
  }

  @Test
  void rejectsUnknownHeaderAtLineOne() {
    TraceFormatException e = formatError("unknown_header.csv");

    assertThat(e.line()).isEqualTo(1);
    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).message()).startsWith("unknown header 'timestamp,intensity'");
  }

  @Test
  void rejectsExportWithoutTheChosenColumn() throws IOException {
    Path file = tmp.resolve("no-lca.csv");
    Files.writeString(
        file, "Datetime (UTC),Zone Id,Carbon Intensity gCO₂eq/kWh (direct)\n2023-01-01 00:00:00,DE,300\n");

    assertThat(CarbonTrace.read(file).slots()).hasSize(1);
    assertThatThrownBy(() -> CarbonTrace.read(file, TraceColumn.LIFECYCLE))
        .isInstanceOf(TraceFormatException.class)
        .hasMessage(file + ":1: the Electricity Maps header has no 'Carbon Intensity gCO₂eq/kWh (LCA)' column");
  }

  @Test
  void collectsEveryRowProblemWithItsLine() {
    TraceFormatException e = formatError("bad_rows.csv");

    assertThat(e.problems())
        .extracting(TraceFormatException.Problem::line)
        .containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 11, 13);
    List<String> messages = e.problems().stream().map(TraceFormatException.Problem::message).toList();
    assertThat(messages.get(0)).startsWith("cannot read time '2023-01-01T01:00:00'");
    assertThat(messages.get(1)).isEqualTo("empty carbon intensity value");
    assertThat(messages.get(2)).isEqualTo("carbon intensity 'abc' is not a number");
    assertThat(messages.get(3)).startsWith("implausible carbon intensity -5 ");
    assertThat(messages.get(4)).startsWith("implausible carbon intensity 3000.5 ");
    assertThat(messages.get(5)).startsWith("implausible carbon intensity NaN ");
    assertThat(messages.get(6))
        .isEqualTo("time 2023-01-01T05:30:00Z is not after the previous row's 2023-01-01T06:00:00Z");
    assertThat(messages.get(7)).isEqualTo("expected 2 columns, found 3");
    assertThat(messages.get(8)).startsWith("cannot read time '2023-02-30 00:00:00'");
    assertThat(messages.get(9))
        .isEqualTo("time 2023-01-01T08:00:00Z is not after the previous row's 2023-01-01T08:00:00Z");
    assertThat(e.getMessage().lines())
        .hasSize(10)
        .first()
        .asString()
        .startsWith(fixture("bad_rows.csv") + ":3: cannot read time");
    assertThat(e.omitted()).isZero();
  }

  @Test
  void reportsExportRowProblems() {
    TraceFormatException e = formatError("bad_export.csv");

    assertThat(e.problems())
        .containsExactly(
            new TraceFormatException.Problem(3, "estimated flag 'maybe' is neither true nor false"),
            new TraceFormatException.Problem(4, "zone 'FR' differs from 'DE' of line 2"),
            new TraceFormatException.Problem(5, "expected 4 columns, found 2"));
  }

  @Test
  void capsProblemsAndCountsTheRest() throws IOException {
    StringBuilder csv = new StringBuilder("time,value\n");
    for (int hour = 0; hour < 25; hour++) {
      csv.append(String.format("2023-01-02 %02d:00:00,-1%n", hour % 24));
    }
    Path file = tmp.resolve("many.csv");
    Files.writeString(file, csv);

    TraceFormatException e =
        catchThrowableOfType(TraceFormatException.class, () -> CarbonTrace.read(file));

    assertThat(e.problems()).hasSize(TraceCsvParser.MAX_PROBLEMS);
    assertThat(e.problems().get(19).line()).isEqualTo(21);
    // Rows 2..25 have a bad value; row 26 also repeats 00:00, so it has two problems.
    assertThat(e.omitted()).isEqualTo(6);
    assertThat(e.getMessage()).endsWith(file + ": 6 more problems not shown");
  }

  @Test
  void rejectsInvalidUtf8() throws IOException {
    Path file = tmp.resolve("latin1.csv");
    Files.write(file, "time,value\n2023-01-01T00:00:00Z,1\n".getBytes(StandardCharsets.US_ASCII));
    Files.write(file, new byte[] {(byte) 0xE9, ',', '\n'}, java.nio.file.StandardOpenOption.APPEND);

    assertThatThrownBy(() -> CarbonTrace.read(file))
        .isInstanceOf(TraceFormatException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void findsSlotsByInstantAndRange() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("export_small.csv"));

    assertThat(trace.slotAt(Instant.parse("2023-01-01T01:59:59Z")))
        .map(s -> s.intensity().gramsPerKwh())
        .contains(220.25);
    assertThat(trace.slotAt(Instant.parse("2023-01-01T04:00:00Z"))).isEmpty();
    assertThat(trace.slotAt(Instant.parse("2022-12-31T23:59:59Z"))).isEmpty();
    assertThat(trace.overlapping(Instant.parse("2023-01-01T00:30:00Z"), Instant.parse("2023-01-01T02:00:00Z")))
        .extracting(s -> s.intensity().gramsPerKwh())
        .containsExactly(238.69, 220.25);
  }

  @Test
  void ofRejectsOverlappingSlots() {
    assertThatThrownBy(
            () ->
                CarbonTrace.of(
                    null,
                    List.of(
                        slot("2023-01-01T00:00:00Z", "2023-01-01T02:00:00Z", 1, false),
                        slot("2023-01-01T01:00:00Z", "2023-01-01T03:00:00Z", 1, false))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CarbonTrace.of(null, List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void columnWordsRoundTrip() {
    assertThat(TraceColumn.fromWord("direct")).isEqualTo(TraceColumn.DIRECT);
    assertThat(TraceColumn.fromWord(" Lifecycle ")).isEqualTo(TraceColumn.LIFECYCLE);
    assertThat(TraceColumn.fromWord("LCA")).isEqualTo(TraceColumn.LIFECYCLE);
    assertThat(TraceColumn.LIFECYCLE.word()).isEqualTo("lifecycle");
    assertThatThrownBy(() -> TraceColumn.fromWord("marginal")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheBundledCaliforniaTrace() throws IOException {
    CarbonTrace trace = CarbonTrace.read(Path.of("..", "traces", "US-CAL-CISO_2023_hourly.csv"));

    assertThat(trace.zone()).contains("US-CAL-CISO");
    assertThat(trace.slots()).hasSize(8760);
    assertThat(trace.slots().get(0).start()).isEqualTo(Instant.parse("2023-01-01T00:00:00Z"));
    assertThat(trace.slots().get(0).intensity().gramsPerKwh()).isEqualTo(238.69);
    assertThat(trace.end()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(trace.slots()).allMatch(s -> s.length().equals(Duration.ofHours(1)));
    assertThat(trace.mean().gramsPerKwh()).isCloseTo(194, within(1.0));
  }
}
