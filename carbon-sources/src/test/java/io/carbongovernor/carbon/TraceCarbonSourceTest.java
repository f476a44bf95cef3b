package io.carbongovernor.carbon;

import static io.carbongovernor.carbon.CarbonTraceTest.fixture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceCarbonSourceTest {

  private static final Instant YEAR_2023 = Instant.parse("2023-01-01T00:00:00Z");

  /** An hourly 2023 trace whose value encodes the slot: hour-of-year modulo 1000, plus one. */
  private static CarbonTrace year2023(String zone) {
    List<CarbonTrace.Slot> slots = new ArrayList<>();
    for (int hour = 0; hour < 8760; hour++) {
      Instant start = YEAR_2023.plus(Duration.ofHours(hour));
      slots.add(new CarbonTrace.Slot(start, start.plus(Duration.ofHours(1)), valueAt(start), hour % 7 == 0));
    }
    return CarbonTrace.of(zone, slots);
  }

  /** The value {@link #year2023} holds for the slot starting at a 2023 instant. */
  private static CarbonIntensity valueAt(Instant traceStart) {
    long hour = Duration.between(YEAR_2023, traceStart).toHours();
    return CarbonIntensity.gramsPerKwh(hour % 1000 + 1);
  }

  private static CarbonSource source(CarbonTrace trace, String now, TraceTiming timing) {
    return CarbonSources.trace(trace, Clock.fixed(Instant.parse(now), ZoneOffset.UTC), timing, "trace");
  }

  private static Instant at(String instant) {
    return Instant.parse(instant);
  }

  @Test
  void absoluteCurrentIsTheSlotCoveringNow() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("export_small.csv")), "2023-01-01T02:30:00Z", TraceTiming.ABSOLUTE);

    CarbonSignal now = source.current("US-CAL-CISO");

    assertThat(now)
        .isEqualTo(
            new CarbonSignal(
                "US-CAL-CISO",
                at("2023-01-01T02:00:00Z"),
                at("2023-01-01T03:00:00Z"),
                CarbonIntensity.gramsPerKwh(215.1),
                SignalKind.AVERAGE,
                "trace",
                true));
    assertThat(source.name()).isEqualTo("trace");
  }

  @Test
  void absoluteForecastIsTheFollowingSlotsStartingWithinTheHorizon() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("export_small.csv")), "2023-01-01T00:30:00Z", TraceTiming.ABSOLUTE);

    assertThat(source.forecast("US-CAL-CISO", Duration.ofHours(2)))
        .extracting(CarbonSignal::start)
        .containsExactly(at("2023-01-01T01:00:00Z"), at("2023-01-01T02:00:00Z"));
    assertThat(source.forecast("US-CAL-CISO", Duration.ofHours(10))).hasSize(3);
    assertThat(source.forecast("US-CAL-CISO", Duration.ofMinutes(30))).isEmpty();
  }

  @Test
  void absoluteOutsideTheTraceIsUnavailable() throws IOException {
    CarbonTrace trace = CarbonTrace.read(fixture("export_small.csv"));

    for (String now : List.of("2023-01-01T04:00:00Z", "2022-12-31T23:59:59Z")) {
      CarbonSourceException e =
          catchThrowableOfType(
              CarbonSourceException.class,
              () -> source(trace, now, TraceTiming.ABSOLUTE).current("US-CAL-CISO"));
      assertThat(e.kind()).isEqualTo(CarbonSourceException.Kind.UNAVAILABLE);
      assertThat(e.source()).isEqualTo("trace");
      assertThat(e).hasMessageContaining(now);
    }
    assertThat(source(trace, "2023-01-01T04:00:00Z", TraceTiming.ABSOLUTE).forecast("US-CAL-CISO", Duration.ofDays(1)))
        .isEmpty();
  }

  @Test
  void absoluteHistoryIsTheSlotsOverlappingTheRange() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("export_small.csv")), "2030-01-01T00:00:00Z", TraceTiming.ABSOLUTE);

    List<CarbonSignal> history =
        source.history("US-CAL-CISO", at("2023-01-01T00:30:00Z"), at("2023-01-01T02:00:00Z"));

    assertThat(history)
        .extracting(s -> s.intensity().gramsPerKwh())
        .containsExactly(238.69, 220.25);
    assertThat(source.history("US-CAL-CISO", at("2023-01-01T01:00:00Z"), at("2023-01-01T01:00:00Z"))).isEmpty();
  }

  @Test
  void zonedTraceRejectsAnotherZone() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("export_small.csv")), "2023-01-01T00:30:00Z", TraceTiming.ABSOLUTE);

    for (Runnable call :
        List.<Runnable>of(
            () -> source.current("DE"),
            () -> source.forecast("DE", Duration.ofHours(1)),
            () -> source.history("DE", at("2023-01-01T00:00:00Z"), at("2023-01-01T01:00:00Z")))) {
      CarbonSourceException e = catchThrowableOfType(CarbonSourceException.class, call::run);
      assertThat(e.kind()).isEqualTo(CarbonSourceException.Kind.NOT_FOUND);
      assertThat(e).hasMessage("trace: the trace holds zone US-CAL-CISO, not the requested zone DE");
    }
  }

  @Test
  void plainTraceServesAnyZone() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("plain.csv")), "2023-03-01T00:45:00Z", TraceTiming.ABSOLUTE);

    assertThat(source.current("DE").zone()).isEqualTo("DE");
    assertThat(source.current("CAISO_NORTH").intensity()).isEqualTo(CarbonIntensity.gramsPerKwh(120));
    assertThat(source.current("GB").estimated()).isFalse();
  }

  @Test
  void yearAlignedMapsNowOntoTheTraceYearAndBack() {
    CarbonSource source = source(year2023("US-CAL-CISO"), "2026-07-04T15:20:00Z", TraceTiming.YEAR_ALIGNED);
    Instant now = at("2026-07-04T15:20:00Z");

    CarbonSignal current = source.current("US-CAL-CISO");

    assertThat(current.start()).isEqualTo(at("2026-07-04T15:00:00Z"));
    assertThat(current.end()).isEqualTo(at("2026-07-04T16:00:00Z"));
    assertThat(current.intensity()).isEqualTo(valueAt(at("2023-07-04T15:00:00Z")));
    assertThat(current.covers(now)).isTrue();
    assertThat(current.ageAt(now)).isEqualTo(Duration.ZERO);
    assertThat(current.kind()).isEqualTo(SignalKind.AVERAGE);
    assertThat(current.source()).isEqualTo("trace");
  }

  @Test
  void yearAlignedMapsFeb29OfALeapYearOntoFeb28() {
    CarbonSource source = source(year2023(null), "2024-02-29T13:30:00Z", TraceTiming.YEAR_ALIGNED);

    CarbonSignal current = source.current("GB");

    assertThat(current.intensity()).isEqualTo(valueAt(at("2023-02-28T13:00:00Z")));
    assertThat(current.start()).isEqualTo(at("2024-02-29T13:00:00Z"));
    assertThat(current.end()).isEqualTo(at("2024-02-29T14:00:00Z"));
    assertThat(current.covers(at("2024-02-29T13:30:00Z"))).isTrue();
  }

  @Test
  void yearAlignedForecastWrapsPastDecember31ToTheTraceStart() {
    CarbonSource source = source(year2023("US-CAL-CISO"), "2025-12-31T21:15:00Z", TraceTiming.YEAR_ALIGNED);

    List<CarbonSignal> forecast = source.forecast("US-CAL-CISO", Duration.ofHours(4));

    assertThat(forecast)
        .extracting(CarbonSignal::start)
        .containsExactly(
            at("2025-12-31T22:00:00Z"),
            at("2025-12-31T23:00:00Z"),
            at("2026-01-01T00:00:00Z"),
            at("2026-01-01T01:00:00Z"));
    assertThat(forecast)
        .extracting(CarbonSignal::intensity)
        .containsExactly(
            valueAt(at("2023-12-31T22:00:00Z")),
            valueAt(at("2023-12-31T23:00:00Z")),
            valueAt(at("2023-01-01T00:00:00Z")),
            valueAt(at("2023-01-01T01:00:00Z")));
    assertThat(forecast).extracting(CarbonSignal::length).containsOnly(Duration.ofHours(1));
    assertThat(forecast).extracting(CarbonSignal::estimated).containsExactly(false, false, true, false);
  }

  @Test
  void yearAlignedForecastLongerThanAYearKeepsReplaying() {
    CarbonSource source = source(year2023(null), "2025-06-01T00:00:00Z", TraceTiming.YEAR_ALIGNED);

    List<CarbonSignal> forecast = source.forecast("DE", Duration.ofDays(800));

    // Slots after the current one, starting before now + 800 days: 800 * 24 - 1 of them, contiguous.
    assertThat(forecast).hasSize(800 * 24 - 1);
    for (int i = 1; i < forecast.size(); i++) {
      assertThat(forecast.get(i).start()).isEqualTo(forecast.get(i - 1).end());
    }
  }

  @Test
  void yearAlignedHistoryIsTranslatedToRealTime() {
    CarbonSource source = source(year2023("US-CAL-CISO"), "2025-06-01T12:00:00Z", TraceTiming.YEAR_ALIGNED);

    List<CarbonSignal> history =
        source.history("US-CAL-CISO", at("2025-06-01T10:30:00Z"), at("2025-06-01T12:00:00Z"));

    assertThat(history)
        .extracting(CarbonSignal::start)
        .containsExactly(at("2025-06-01T10:00:00Z"), at("2025-06-01T11:00:00Z"));
    assertThat(history)
        .extracting(CarbonSignal::intensity)
        .containsExactly(valueAt(at("2023-06-01T10:00:00Z")), valueAt(at("2023-06-01T11:00:00Z")));
    assertThat(history.get(0).ageAt(at("2025-06-01T12:00:00Z"))).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void yearAlignedPartialTraceIsUnavailableOutsideItsSpan() throws IOException {
    CarbonSource source =
        source(CarbonTrace.read(fixture("export_small.csv")), "2027-01-01T01:10:00Z", TraceTiming.YEAR_ALIGNED);
    assertThat(source.current("US-CAL-CISO").intensity()).isEqualTo(CarbonIntensity.gramsPerKwh(220.25));
    assertThat(source.current("US-CAL-CISO").start()).isEqualTo(at("2027-01-01T01:00:00Z"));

    CarbonSourceException e =
        catchThrowableOfType(
            CarbonSourceException.class,
            () -> source(CarbonTrace.read(fixture("export_small.csv")), "2027-03-01T00:00:00Z", TraceTiming.YEAR_ALIGNED)
                .current("US-CAL-CISO"));
    assertThat(e.kind()).isEqualTo(CarbonSourceException.Kind.UNAVAILABLE);
    assertThat(e).hasMessageContaining("2023-03-01T00:00:00Z").hasMessageContaining("replayed for 2027-03-01T00:00:00Z");
  }

  @Test
  void yearAlignedReplaysTheBundledTraceAcrossNewYear() throws IOException {
    CarbonTrace trace = CarbonTrace.read(java.nio.file.Path.of("..", "traces", "US-CAL-CISO_2023_hourly.csv"));
    CarbonSource source = source(trace, "2031-12-31T23:30:00Z", TraceTiming.YEAR_ALIGNED);

    CarbonSignal current = source.current("US-CAL-CISO");
    List<CarbonSignal> forecast = source.forecast("US-CAL-CISO", Duration.ofHours(2));

    assertThat(current.intensity().gramsPerKwh()).isEqualTo(243.22);
    assertThat(forecast).hasSize(2);
    assertThat(forecast.get(0).start()).isEqualTo(at("2032-01-01T00:00:00Z"));
    assertThat(forecast.get(0).intensity().gramsPerKwh()).isEqualTo(238.69);
  }
}
