package io.carbongovernor.policy.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.carbon.SignalKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The simulator's imperfect forecast: repeatable, exact with no spread, erring more further ahead. */
class ForecastErrorTest {

  private static final Instant T0 = Instant.parse("2023-01-01T00:00:00Z");

  private static List<CarbonSignal> flat(int hours, double value) {
    List<CarbonSignal> out = new ArrayList<>();
    for (int h = 0; h < hours; h++) {
      out.add(new CarbonSignal("GB", T0.plus(Duration.ofHours(h)), T0.plus(Duration.ofHours(h + 1)),
          CarbonIntensity.gramsPerKwh(value), SignalKind.AVERAGE, "trace", false));
    }
    return out;
  }

  @Test
  void withNoSpreadTheForecastIsTheTruth() {
    List<CarbonSignal> truth = flat(48, 200);
    assertThat(new ForecastError(0, 1).apply(truth, 7, 3600))
        .extracting(s -> s.intensity().gramsPerKwh()).containsOnly(200.0);
  }

  @Test
  void theSameIssueIsRepeatableAndAnotherIssueDiffers() {
    List<CarbonSignal> truth = flat(48, 200);
    ForecastError error = new ForecastError(0.2, 42);
    assertThat(error.apply(truth, 7, 3600)).isEqualTo(error.apply(truth, 7, 3600));
    assertThat(error.apply(truth, 8, 3600)).isNotEqualTo(error.apply(truth, 7, 3600));
    assertThat(error.apply(truth, 7, 3600)).extracting(CarbonSignal::start)
        .isEqualTo(truth.stream().map(CarbonSignal::start).toList());
  }

  @Test
  void theSpreadGrowsWithTheLeadToTheSpreadGivenADayAhead() {
    List<CarbonSignal> truth = flat(48, 100);
    ForecastError error = new ForecastError(0.2, 3);
    int issues = 4000;
    double[] sumSquares = new double[48];
    for (int issue = 0; issue < issues; issue++) {
      List<CarbonSignal> f = error.apply(truth, issue, 3600);
      for (int h = 0; h < 48; h++) {
        double e = Math.log(f.get(h).intensity().gramsPerKwh() / 100);
        sumSquares[h] += e * e;
      }
    }
    double oneHour = Math.sqrt(sumSquares[0] / issues);
    double oneDay = Math.sqrt(sumSquares[23] / issues);
    double twoDays = Math.sqrt(sumSquares[47] / issues);
    assertThat(oneDay).isBetween(0.19, 0.21);
    assertThat(oneHour).isBetween(0.2 / Math.sqrt(24) * 0.9, 0.2 / Math.sqrt(24) * 1.1);
    assertThat(twoDays).isBetween(0.2 * Math.sqrt(2) * 0.95, 0.2 * Math.sqrt(2) * 1.05);
  }

  @Test
  void noForecastSlotIsAboveWhatASourceMayAnswer() {
    List<CarbonSignal> truth = flat(48, 2900);
    for (int issue = 0; issue < 200; issue++) {
      assertThat(new ForecastError(1.0, 5).apply(truth, issue, 3600))
          .allSatisfy(s -> assertThat(s.intensity().gramsPerKwh()).isLessThanOrEqualTo(CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH));
    }
  }

  @Test
  void aNegativeOrEndlessSpreadIsRefused() {
    assertThatThrownBy(() -> new ForecastError(-0.1, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ForecastError(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ForecastError(Double.POSITIVE_INFINITY, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
