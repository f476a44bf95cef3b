package io.carbongovernor.policy;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Power;
import io.carbongovernor.gpu.PowerProfile;
import java.time.Duration;
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
 *
 * <p>{@code CI_ref} is fixed (Chase's 750 g/kWh), or with an adaptive reference the median of the
 * intensities seen over a window ({@link AdaptiveReference}): against a fixed 750 a clean grid
 * (hydro, nuclear: tens of g/kWh) never looks dirty enough to slow for, against its own median
 * its dirtier hours do.
 */
final class ChasePolicy implements Policy {

  private final ChaseSettings settings;
  /** Present with an adaptive reference. */
  private final Optional<AdaptiveReference> adaptive;

  ChasePolicy(ChaseSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.adaptive = settings.referenceWindow().map(AdaptiveReference::new);
  }

  @Override
  public String kind() {
    return "chase";
  }

  /** The one-step model fits on the last day; an adaptive reference reads its whole window. */
  @Override
  public Duration historyNeeded() {
    Duration model = Duration.ofDays(2);
    return adaptive.map(a -> a.window().compareTo(model) > 0 ? a.window() : model).orElse(model);
  }

  @Override
  public Decision decide(PolicyInput input) {
    Optional<Estimate> next = nextIntensity(input);
    Optional<AdaptiveReference.Reference> reference =
        next.isEmpty() ? Optional.empty() : adaptive.map(a -> a.at(input.history(), input.now(), fixedReference()));
    List<LimitDecision> limits = new ArrayList<>();
    for (GpuState gpu : input.gpus()) {
      if (gpu.profile().isEmpty() || next.isEmpty()) {
        String why = gpu.profile().isEmpty() ? "no workload profile" : "no intensity for the next interval";
        limits.add(new LimitDecision(gpu.gpu(), gpu.originalLimit(), "chase: " + why + "; full speed"));
        continue;
      }
      limits.add(decide(gpu, gpu.profile().get(), next.get(), reference));
    }
    return new Decision(kind(), limits, OptionalInt.empty());
  }

  private double fixedReference() {
    return settings.referenceIntensity().gramsPerKwh();
  }

  private LimitDecision decide(
      GpuState gpu, PowerProfile profile, Estimate next, Optional<AdaptiveReference.Reference> reference) {
    LimitOptions options = LimitOptions.of(gpu, profile);
    double ref =
        settings.referencePower().orElse(gpu.gpu().constraints().max()).watts()
            * reference.map(AdaptiveReference.Reference::gramsPerKwh).orElse(fixedReference());
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
    String referenceWords =
        reference
            .map(r -> String.format(Locale.ROOT, ", reference %.0f g/kWh (%s)", r.gramsPerKwh(), r.from()))
            .orElse("");
    String reason =
        String.format(
            Locale.ROOT,
            "chase: eta %.2f%s, next intensity %.0f g/kWh (%s) -> %s",
            eta,
            referenceWords,
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
