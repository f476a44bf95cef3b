package io.carbongovernor.policy.sim;

import io.carbongovernor.carbon.CarbonIntensity;
import io.carbongovernor.carbon.CarbonSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An imperfect forecast: each forecast slot is the true intensity times {@code exp(e)}, where
 * {@code e} is a random walk over the lead time, so that its spread grows as the square root of
 * the lead and reaches {@code spreadAtOneDay} (a standard deviation of the log ratio: 0.2 is
 * about 20 %) a day ahead. Each forecast issued is drawn afresh from {@code seed} and the slot
 * it is issued at, so a run is repeatable and forecasts issued at different times disagree, as a
 * provider's successive forecasts do.
 */
public record ForecastError(double spreadAtOneDay, long seed) {

  public ForecastError {
    if (!(spreadAtOneDay >= 0) || Double.isInfinite(spreadAtOneDay)) {
      throw new IllegalArgumentException("spreadAtOneDay must be finite and not negative, got " + spreadAtOneDay);
    }
  }

  /** The forecast slots {@code truth}, issued at trace slot {@code issuedAt}, with this error. */
  List<CarbonSignal> apply(List<CarbonSignal> truth, int issuedAt, double slotSeconds) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + issuedAt);
    double step = spreadAtOneDay * Math.sqrt(slotSeconds / 86_400.0);
    double e = 0;
    List<CarbonSignal> out = new ArrayList<>(truth.size());
    for (CarbonSignal s : truth) {
      e += step * gaussian(random);
      // A source's answer above the plausible maximum would be rejected, so none is forecast.
      double value = Math.min(CarbonIntensity.PLAUSIBLE_MAX_G_PER_KWH, s.intensity().gramsPerKwh() * Math.exp(e));
      out.add(new CarbonSignal(s.zone(), s.start(), s.end(), CarbonIntensity.gramsPerKwh(value), s.kind(), "forecast",
          true));
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }
}
