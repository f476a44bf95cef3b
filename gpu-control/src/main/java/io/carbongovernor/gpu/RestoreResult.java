package io.carbongovernor.gpu;

import java.util.Objects;
import java.util.Optional;

/**
 * What restoring one ledgered GPU to its original limit did.
 *
 * @param gpu the GPU with that UUID; empty when the backend no longer lists it
 * @param errorCode the backend's failure code when {@code status} is {@link Status#FAILED}
 */
public record RestoreResult(
    String uuid,
    Optional<Gpu> gpu,
    Power originalLimit,
    Status status,
    Optional<String> errorCode,
    String detail) {

  public enum Status {
    RESTORED,
    ALREADY_AT_ORIGINAL,
    /** The ledgered UUID is not among the backend's GPUs; its entry is kept. */
    NOT_PRESENT,
    /**
     * The limit is neither the original nor one the daemon set: an operator changed it since, and
     * it is theirs (invariant 3). Left as it is; the entry is dropped.
     */
    LEFT_FOR_OPERATOR,
    /** Shadow mode: nothing set, entry kept. */
    SHADOW,
    FAILED
  }

  /** Code for a restore whose read-back showed another limit than the original. */
  public static final String READ_BACK_MISMATCH = "READ_BACK_MISMATCH";
  /** Code for a GPU whose ledger lines cannot be trusted; the detail says which line and what to do. */
  public static final String LEDGER_DAMAGED = "LEDGER_DAMAGED";
  /** Code for a GPU that another daemon on this host controls now. */
  public static final String IN_USE = "IN_USE";

  public RestoreResult {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(detail, "detail");
  }

  /**
   * Whether nothing is left to do for the GPU: it is at its original limit, or at an operator's
   * limit that is theirs to keep.
   */
  public boolean succeeded() {
    return status == Status.RESTORED || status == Status.ALREADY_AT_ORIGINAL || status == Status.LEFT_FOR_OPERATOR;
  }
}
