package io.carbongovernor.policy;

import static io.carbongovernor.policy.TestWorld.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryForecasterTest {

  private static List<CarbonSignal> days(int count, java.util.function.LongToDoubleFunction byHour) {
    List<CarbonSignal> history = new ArrayList<>();
    for (int h = count * 24; h >= 1; h--) {
      Instant start = T0.minusSeconds(3600L * h);
      history.add(TestWorld.slot(start, byHour.applyAsDouble(start.getEpochSecond() / 3600)));
    }
    return history;
  }

  @Test
  void aRepeatingDayIsForecastExactly() {
    List<CarbonSignal> history = days(8, hour -> 100 + 10 * (hour % 24));
    for (int lead = 0; lead < 30; lead++) {
      Instant at = T0.plusSeconds(3600L * lead);
      double expected = 100 + 10 * ((at.getEpochSecond() / 3600) % 24);
      assertThat(HistoryForecaster.DEFAULT.predict(history, T0, at)).hasValue(expected);
    }
  }

  @Test
  void blendsYesterdayAndLastWeek() {
    // A week ago at that hour 200, yesterday 100: 0.5 * 100 + 0.5 * 200.
    List<CarbonSignal> history = days(8, hour -> hour < (T0.getEpochSecond() / 3600) - 7 * 24 + 6 ? 200 : 100);
    HistoryForecaster even = new HistoryForecaster(0.5, 0);
    assertThat(even.predict(history, T0, T0.plusSeconds(5 * 3600))).hasValue(150.0);
  }

  @Test
  void todaysDepartureFadesWithLead() {
    // Every day 100, but the last hour was 200: +100 departure, halving each hour of lead.
    List<CarbonSignal> history = new ArrayList<>(days(8, hour -> 100));
    CarbonSignal last = history.remove(history.size() - 1);
    history.add(TestWorld.slot(last.start(), 200));
    HistoryForecaster halving = new HistoryForecaster(1, 0.5);
    assertThat(halving.predict(history, T0, T0)).hasValue(150.0);
    assertThat(halving.predict(history, T0, T0.plusSeconds(3600))).hasValue(125.0);
  }

  @Test
  void withLessThanADayItHoldsTheLastValueAndWithNothingItHasNoAnswer() {
    List<CarbonSignal> history = TestWorld.hours(T0.minusSeconds(3 * 3600), 120, 130, 140);
    assertThat(HistoryForecaster.DEFAULT.predict(history, T0, T0.plusSeconds(7200))).hasValue(140.0);
    assertThat(HistoryForecaster.DEFAULT.predict(List.of(), T0, T0)).isEmpty();
  }

  @Test
  void weightsOutsideZeroToOneAreRejected() {
    assertThatThrownBy(() -> new HistoryForecaster(1.2, 0.5)).hasMessageContaining("daily weight");
  }
}
