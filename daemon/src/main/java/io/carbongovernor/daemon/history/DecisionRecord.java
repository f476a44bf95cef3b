package io.carbongovernor.daemon.history;

import io.carbongovernor.carbon.CarbonSignal;
import io.carbongovernor.gpu.Gpu;
import io.carbongovernor.gpu.Power;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What the daemon decided for one GPU at one tick, and what came of it.
 *
 * @param outcome what the safety layer did: applied, unchanged, held-by-operator, shadow, failed
 * @param signal the signal the decision used; empty under the fail-safe
 */
public record DecisionRecord(
    Instant at,
    Gpu gpu,
    String policy,
    boolean failSafe,
    Optional<Power> previousLimit,
    Power targetLimit,
    String outcome,
    String reason,
    Optional<CarbonSignal> signal) {

  public DecisionRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(previousLimit, "previousLimit");
    Objects.requireNonNull(targetLimit, "targetLimit");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(signal, "signal");
  }
}
