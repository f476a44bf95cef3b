package io.carbongovernor.daemon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The range of --from and --to as queried and as shown, with the defaults. */
class ReportRangeTest {

  private static final LocalDate TODAY = LocalDate.parse("2026-12-07");

  private static ReportRange parse(String from, String to) {
    return ReportRange.parse(Optional.ofNullable(from), Optional.ofNullable(to), TODAY);
  }

  @Test
  void daysAreShownAsGivenAndQueriedUpToTheMidnightAfterTheLast() {
    ReportRange r = parse("2026-12-01", "2026-12-07");
    assertThat(r.label()).isEqualTo("2026-12-01 to 2026-12-07");
    assertThat(r.from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(r.to()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
    assertThat(parse("2026-12-07", "2026-12-07").label()).isEqualTo("2026-12-07");
  }

  @Test
  void withoutDatesTheLastThirtyDaysTodayIncluded() {
    ReportRange r = parse(null, null);
    assertThat(r.from()).isEqualTo(Instant.parse("2026-11-08T00:00:00Z"));
    assertThat(r.to()).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
    assertThat(r.label()).isEqualTo("2026-11-08 to 2026-12-07 (the last 30 days)");
  }

  @Test
  void oneEndGivenTheOtherFollows() {
    assertThat(parse(null, "2026-11-30").label()).isEqualTo("2026-11-01 to 2026-11-30");
    assertThat(parse("2026-12-01", null).label()).isEqualTo("2026-12-01 to 2026-12-07");
    ReportRange instants = parse(null, "2026-12-07T12:00:00Z");
    assertThat(instants.from()).isEqualTo(Instant.parse("2026-11-07T12:00:00Z"));
    assertThat(instants.label()).isEqualTo("2026-11-07T12:00:00Z to 2026-12-07T12:00:00Z (end excluded)");
  }

  @Test
  void instantsAreShownWithTheEndExcluded() {
    ReportRange r = parse("2026-12-07T10:00:00Z", "2026-12-07T11:00:00Z");
    assertThat(r.label()).isEqualTo("2026-12-07T10:00:00Z to 2026-12-07T11:00:00Z (end excluded)");
    assertThat(r.to()).isEqualTo(Instant.parse("2026-12-07T11:00:00Z"));
  }

  @Test
  void badValuesAndBackwardRangesNameTheOption() {
    assertThatThrownBy(() -> parse("2026-13-01", null)).hasMessageContaining("--from must be a date like 2026-11-01");
    assertThatThrownBy(() -> parse(null, "yesterday\u001b[2J")).hasMessageContaining("--to must be a date")
        .hasMessageContaining("'yesterday?[2J'");
    assertThatThrownBy(() -> parse("2026-12-10", null)).hasMessageContaining("--from must be before --to")
        .hasMessageContaining("today by default");
    assertThatThrownBy(() -> parse("2026-12-02", "2026-12-01")).hasMessageContaining("--from must be before --to");
  }
}
