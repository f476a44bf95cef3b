package io.carbongovernor.policy.defer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.policy.TestWorld;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DepartureForecastTest {

  private static final Instant T0 = TestWorld.T0;
  private static final long HOUR = 3600;

  /** Eight days of hourly values from {@code f(hour)}. */
  private static List<CarbonSignal> eightDays(java.util.function.IntToDoubleFunction f) {
    double[] v = new double[8 * 24];
    for (int h = 0; h < v.length; h++) {
      v[h] = f.applyAsDouble(h);
    }
    return TestWorld.hours(T0, v);
  }

  @Test
  void weatherThatHoldsForDaysIsFittedAsPersistent() {
    // Two-day spells, windy (150) and still (400): a departure holds from one hour to the next.
    List<CarbonSignal> history = eightDays(h -> (h / 48) % 2 == 0 ? 400 : 150);
    DepartureForecast f = DepartureForecast.fit(history, HOUR).orElseThrow();
    assertThat(f.persistence()).isGreaterThan(0.9);
  }

  @Test
  void departuresThatFlipEachHourAreFittedAsFleeting() {
    // A daily shape (clean 10:00-16:00) plus a departure that flips sign every hour.
    List<CarbonSignal> history = eightDays(h -> (h % 24 >= 10 && h % 24 < 16 ? 100 : 300) + (h % 2 == 0 ? 40 : -40)
        * ((h / 24) % 2 == 0 ? 1 : -1));
    DepartureForecast f = DepartureForecast.fit(history, HOUR).orElseThrow();
    assertThat(f.persistence()).isZero();
    // Nothing of the latest departure is left an hour on: the profile alone.
    CarbonSignal last = history.get(history.size() - 1);
    assertThat(f.predict(last, last.end().plusSeconds(10 * HOUR))).isCloseTo(100, offset(1e-9));
  }

  @Test
  void theLatestDepartureFadesAtTheFittedPersistence() {
    // Flat 300, but for one still day at 500: the profile is 325 at every hour.
    List<CarbonSignal> history = eightDays(h -> h / 24 == 5 ? 500 : 300);
    DepartureForecast f = DepartureForecast.fit(history, HOUR).orElseThrow();
    double phi = f.persistence();
    assertThat(phi).isBetween(0.5, 1.0);
    CarbonSignal anchor = TestWorld.slot(T0.plus(Duration.ofDays(8)), 125); // 200 below the profile
    assertThat(f.predict(anchor, anchor.start().plusSeconds(3 * HOUR)))
        .isCloseTo(325 - 200 * Math.pow(phi, 3), offset(1e-9));
    assertThat(f.predict(anchor, anchor.start())).isCloseTo(125, offset(1e-9));
  }

  @Test
  void lessThanAWeekOrSlotsThatDoNotDivideADayAreNotFitted() {
    double[] sixDays = new double[6 * 24];
    java.util.Arrays.fill(sixDays, 300);
    assertThat(DepartureForecast.fit(TestWorld.hours(T0, sixDays), HOUR)).isEmpty();
    assertThat(DepartureForecast.fit(eightDays(h -> 300), 7 * 60)).isEmpty();
    assertThat(DepartureForecast.fit(List.of(), HOUR)).isEmpty();
  }

  @Test
  void aTimeOfDayNeverSeenIsNotGuessed() {
    List<CarbonSignal> history = new java.util.ArrayList<>(eightDays(h -> 300));
    history.removeIf(s -> s.start().atZone(java.time.ZoneOffset.UTC).getHour() == 3);
    assertThat(DepartureForecast.fit(history, HOUR)).isEmpty();
  }
}
