package io.carbongovernor.gpu;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link GuardedGpuControl#apply} did with one GPU's requested limit, for one log line.
 *
 * @param requested the limit the policy asked for
 * @param target {@code requested} clamped into the GPU's constraints
 * @param previous the limit read before acting; empty when the GPU could not be read
 * @param clamped whether {@code target} differs from {@code requested}
 * @param errorCode the backend's failure code when {@code status} is {@link Status#FAILED}
 * @param detail a short human explanation
 * @param fault the vendor-neutral kind of failure when the backend failed
 */
public record LimitOutcome(
    Gpu gpu,
    Status status,
    Power requested,
    Power target,
    Optional<Power> previous,
    boolean clamped,
    Optional<String> errorCode,
    String detail,
    Optional<GpuFault> fault) {

  public enum Status {
    /** The limit was set (possibly clamped). */
    APPLIED,
    /** Already there, or the change was smaller than the minimum step. */
    UNCHANGED,
    /** Someone else changed this GPU's limit; left alone. */
    HELD_BY_OPERATOR,
    /** Shadow mode: this is what would have been set. */
    SHADOW,
    /** Reading, recording or setting failed; see {@code errorCode}. */
    FAILED
  }

  /** Error code when the ledger could not be written, so the GPU was not touched. */
  public static final String LEDGER_WRITE_FAILED = "LEDGER_WRITE_FAILED";

  /** Code used for an unexpected exception from the backend. */
  public static final String UNEXPECTED = "UNEXPECTED";

  public LimitOutcome {
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(detail, "detail");
    Objects.requireNonNull(fault, "fault");
  }

  /** An outcome that is no backend failure. */
  public LimitOutcome(Gpu gpu, Status status, Power requested, Power target, Optional<Power> previous, boolean clamped,
      Optional<String> errorCode, String detail) {
    this(gpu, status, requested, target, previous, clamped, errorCode, detail, Optional.empty());
  }

  /** Whether the GPU's limit was changed. */
  public boolean changed() {
    return status == Status.APPLIED;
  }
}
