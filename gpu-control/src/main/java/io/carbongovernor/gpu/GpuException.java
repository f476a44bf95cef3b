package io.carbongovernor.gpu;

import java.util.Objects;

/**
 * A failed operation on one GPU or on the backend. {@link #fault()} is the vendor-neutral kind of
 * failure the safety layer acts on; {@link #code()} is the backend's own name for it (e.g. {@code
 * NVML_ERROR_NO_PERMISSION}, {@code AMDSMI_STATUS_NO_PERM}), so logs say exactly what the driver
 * said.
 */
public final class GpuException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final GpuFault fault;
  private final String code;

  public GpuException(GpuFault fault, String code, String message) {
    super(message + " (" + code + ")");
    this.fault = Objects.requireNonNull(fault, "fault");
    this.code = Objects.requireNonNull(code, "code");
  }

  public GpuException(GpuFault fault, String code, String message, Throwable cause) {
    super(message + " (" + code + ")", cause);
    this.fault = Objects.requireNonNull(fault, "fault");
    this.code = Objects.requireNonNull(code, "code");
  }

  /** A failure whose backend code is the fault's own name (simulated GPUs, the safety layer). */
  public GpuException(GpuFault fault, String message) {
    this(fault, fault.name(), message);
  }

  /** The vendor-neutral kind of failure. */
  public GpuFault fault() {
    return fault;
  }

  /** The backend's name for the failure. */
  public String code() {
    return code;
  }

  /** Whether this is a failure of the given kind. */
  public boolean is(GpuFault kind) {
    return fault == kind;
  }
}
