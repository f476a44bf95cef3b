package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * A step table from carbon intensity to cap: the first band whose upper bound is above the current
 * intensity wins. Caps never raise a GPU above its original limit.
 */
final class BandsPolicy implements Policy {

  private final List<Band> bands;

  BandsPolicy(List<Band> bands) {
    this.bands = List.copyOf(bands);
    if (this.bands.isEmpty()) {
      throw new IllegalArgumentException("a bands policy needs at least one band");
    }
    if (this.bands.get(this.bands.size() - 1).below().isPresent()) {
      throw new IllegalArgumentException("the last band must be open (no 'below')");
    }
    for (int i = 0; i < this.bands.size() - 1; i++) {
      if (this.bands.get(i).below().isEmpty()) {
        throw new IllegalArgumentException("only the last band may be open; band " + i + " is");
      }
      if (i > 0
          && this.bands.get(i).below().get().compareTo(this.bands.get(i - 1).below().get()) <= 0) {
        throw new IllegalArgumentException("band bounds must increase; band " + i + " does not");
      }
    }
  }

  @Override
  public String kind() {
    return "bands";
  }

  @Override
  public Decision decide(PolicyInput input) {
    if (input.signal().isEmpty()) {
      return FullSpeedPolicy.INSTANCE.decide(input);
    }
    CarbonSignal signal = input.signal().get();
    Band band = bands.stream().filter(b -> b.admits(signal.intensity())).findFirst().orElseThrow();
    String reason =
        String.format(
            Locale.ROOT,
            "bands: intensity %.0f g/kWh in band %s",
            signal.intensity().gramsPerKwh(),
            band.describe());
    return new Decision(
        kind(),
        input.gpus().stream()
            .map(
                g ->
                    new LimitDecision(
                        g.gpu(),
                        Power.min(g.originalLimit(), band.cap().resolve(g.gpu().constraints())),
                        reason))
            .toList(),
        band.batchSize());
  }
}
