package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Round, labelled times for the x axis, at most 13 of them. */
class TimeAxisTest {

  private static List<TimeAxis.Tick> ticks(String from, String to) {
    return TimeAxis.ticks(Instant.parse(from), Instant.parse(to));
  }

  @Test
  void aMinuteOfHistoryStillHasTwoLabelledTimes() {
    assertThat(ticks("2026-12-06T19:00:00Z", "2026-12-06T19:01:00Z")).extracting(TimeAxis.Tick::label)
        .containsExactly("19:00", "19:01");
  }

  @Test
  void clockTimesCarryTheDateWhereItChanges() {
    List<TimeAxis.Tick> t = ticks("2026-12-06T18:30:00Z", "2026-12-07T03:10:00Z");
    assertThat(t).extracting(TimeAxis.Tick::label).containsExactly("19:00", "20:00", "21:00", "22:00", "23:00", "00:00",
        "01:00", "02:00", "03:00");
    assertThat(t.get(0).below()).contains("6 Dec");
    assertThat(t.get(1).below()).isEmpty();
    assertThat(t.get(5).below()).contains("7 Dec");
  }

  @Test
  void longerSpansGetMondaysThenMonths() {
    assertThat(ticks("2026-11-07T00:00:00Z", "2026-12-07T00:00:00Z")).extracting(TimeAxis.Tick::label)
        .containsExactly("9 Nov", "16 Nov", "23 Nov", "30 Nov", "7 Dec");
    List<TimeAxis.Tick> year = ticks("2025-12-08T00:00:00Z", "2026-12-07T00:00:00Z");
    assertThat(year).extracting(TimeAxis.Tick::label)
        .containsExactly("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
    assertThat(year.get(0).below()).isEqualTo(Optional.of("2026"));
    assertThat(ticks("2020-01-01T00:00:00Z", "2026-12-07T00:00:00Z")).extracting(TimeAxis.Tick::label)
        .startsWith("2020", "2021").hasSizeLessThanOrEqualTo(13);
  }
}
