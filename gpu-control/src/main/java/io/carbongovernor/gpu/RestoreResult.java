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
    /** Shadow mode: nothing set, entry kept. */
    SHADOW,
    FAILED
  }

  /** Code for a restore whose read-back showed another limit than the original. */
  public static final String READ_BACK_MISMATCH = "READ_BACK_MISMATCH";

  public RestoreResult {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(gpu, "gpu");
    Objects.requireNonNull(originalLimit, "originalLimit");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(errorCode, "errorCode");
    Objects.requireNonNull(detail, "detail");
  }

  /** Whether the GPU is now at its original limit. */
  public boolean succeeded() {
    return status == Status.RESTORED || status == Status.ALREADY_AT_ORIGINAL;
  }
}
