package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Chase (ml-energy/zeus, branch {@code chase}, {@code carbon_cost} in zeus/carbon.py): per tick,
 * the measured limit minimising {@code (eta * P(l) * CI_next + (1 - eta) * P_ref * CI_ref) /
 * throughput(l)}, where {@code P(l)} is the power drawn at limit {@code l}.
 *
 * <p>{@code CI_next} is the intensity of the interval the decision will run in: the current
 * signal, else the forecast slot covering now, else Chase's one-step model on recent history. A
 * GPU without a profile, or a tick with none of these, runs at full speed.
 */
final class ChasePolicy implements Policy {

  private final ChaseSettings settings;

  ChasePolicy(ChaseSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  @Override
  public String kind() {
    return "chase";
  }

  /** The one-step model fits on the last day. */
  @Override
  public java.time.Duration historyNeeded() {
    return java.time.Duration.ofDays(2);
  }

  @Override
  public Decision decide(PolicyInput input) {
    Optional<Estimate> next = nextIntensity(input);
    List<LimitDecision> limits = new ArrayList<>();
    for (GpuState gpu : input.gpus()) {
      if (gpu.profile().isEmpty() || next.isEmpty()) {
        String why = gpu.profile().isEmpty() ? "no workload profile" : "no intensity for the next interval";
        limits.add(new LimitDecision(gpu.gpu(), gpu.originalLimit(), "chase: " + why + "; full speed"));
        continue;
      }
      limits.add(decide(gpu, gpu.profile().get(), next.get()));
    }
    return new Decision(kind(), limits, OptionalInt.empty());
  }

  private LimitDecision decide(GpuState gpu, PowerProfile profile, Estimate next) {
    LimitOptions options = LimitOptions.of(gpu, profile);
    double ref =
        settings.referencePower().orElse(gpu.gpu().constraints().max()).watts()
            * settings.referenceIntensity().gramsPerKwh();
    double eta = settings.eta();
    int best = options.fullSpeed();
    double bestCost = Double.POSITIVE_INFINITY;
    // Ties go to the higher limit: scanning downwards, only a strictly lower cost wins.
    for (int i = options.size() - 1; i >= 0; i--) {
      double cost = (eta * options.watts(i) * next.gramsPerKwh + (1 - eta) * ref) / options.epochsPerSecond(i);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    Power target = options.limit(best);
    String reason =
        String.format(
            Locale.ROOT,
            "chase: eta %.2f, next intensity %.0f g/kWh (%s) -> %s",
            eta,
            next.gramsPerKwh,
            next.from,
            target);
    return new LimitDecision(gpu.gpu(), target, reason);
  }

  private record Estimate(double gramsPerKwh, String from) {}

  private static Optional<Estimate> nextIntensity(PolicyInput input) {
    Instant now = input.now();
    if (input.signal().isPresent() && input.signal().get().covers(now)) {
      return Optional.of(new Estimate(input.signal().get().intensity().gramsPerKwh(), "signal"));
    }
    for (CarbonSignal s : input.forecast()) {
      if (s.covers(now)) {
        return Optional.of(new Estimate(s.intensity().gramsPerKwh(), "forecast"));
      }
    }
    Optional<Estimate> modelled =
        OneStepModel.predict(input.history(), now).map(v -> new Estimate(v, "one-step model"));
    if (modelled.isPresent()) {
      return modelled;
    }
    return input.signal().map(s -> new Estimate(s.intensity().gramsPerKwh(), "last signal"));
  }
}
