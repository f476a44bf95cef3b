package io.carbongovernor.gpu;

import java.util.Objects;
import java.util.Optional;

/**
 * The safety layer's view of one GPU, for status output.
 *
 * @param originalLimit what "full speed" is for this GPU (ledgered original, else startup limit)
 * @param ledgered whether the ledger holds this GPU's original (it was changed and not yet restored)
 * @param lastSetLimit the last limit this layer set
 * @param lastReadLimit the limit last read from the GPU
 * @param heldByOperator someone else changed the limit; the layer leaves the GPU alone
 * @param shadowReason why this GPU alone is in shadow mode (e.g. no permission to set limits)
 */
public record GpuControlState(
    String uuid,
    Power originalLimit,
    boolean ledgered,
    Optional<Power> lastSetLimit,
    Optional<Power> lastReadLimit,
    boolean heldByOperator,
    Optional<String> shadowReason) {

  /** A GPU the layer controls normally (not in shadow mode of its own). */
  public GpuControlState(String uuid, Power originalLimit, boolean ledgered, Optional<Power> lastSetLimit,
      Optional<Power> lastReadLimit, boolean heldByOperator) {
    this(uuid, originalLimit, ledgered, lastSetLimit, lastReadLimit, heldByOperator, Optional.empty());
  }

  public GpuControlState {
    Objects.requireNonNull(shadowReason, "shadowReason");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(lastSetLimit, "lastSetLimit");
    Objects.requireNonNull(lastReadLimit, "lastReadLimit");
  }
}
