package io.carbongovernor.gpu.nvml;

import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import java.util.HashMap;
import java.util.Map;

/**
 * NVML's return codes ({@code nvmlReturn_t}, NVML 13.3). A failed call becomes a {@link
 * GpuException} whose {@link GpuException#code() code} is {@link #codeName()}, e.g. {@code
 * NVML_ERROR_NO_PERMISSION}, and whose {@link GpuException#fault() fault} is {@link #fault()}; a
 * code newer than this list is named {@code NVML_ERROR_CODE_<n>} and is {@link GpuFault#UNKNOWN}.
 * This mapping is the only place NVML's codes meet the vendor-neutral faults.
 */
public enum NvmlReturn {
  SUCCESS(0),
  UNINITIALIZED(1),
  INVALID_ARGUMENT(2),
  NOT_SUPPORTED(3),
  NO_PERMISSION(4),
  ALREADY_INITIALIZED(5),
  NOT_FOUND(6),
  INSUFFICIENT_SIZE(7),
  INSUFFICIENT_POWER(8),
  DRIVER_NOT_LOADED(9),
  TIMEOUT(10),
  IRQ_ISSUE(11),
  LIBRARY_NOT_FOUND(12),
  FUNCTION_NOT_FOUND(13),
  CORRUPTED_INFOROM(14),
  GPU_IS_LOST(15),
  RESET_REQUIRED(16),
  OPERATING_SYSTEM(17),
  LIB_RM_VERSION_MISMATCH(18),
  IN_USE(19),
  MEMORY(20),
  NO_DATA(21),
  VGPU_ECC_NOT_SUPPORTED(22),
  INSUFFICIENT_RESOURCES(23),
  FREQ_NOT_SUPPORTED(24),
  ARGUMENT_VERSION_MISMATCH(25),
  DEPRECATED(26),
  NOT_READY(27),
  GPU_NOT_FOUND(28),
  INVALID_STATE(29),
  RESET_TYPE_NOT_SUPPORTED(30),
  UNKNOWN(999);

  private static final Map<Integer, NvmlReturn> BY_VALUE = new HashMap<>();

  static {
    for (NvmlReturn r : values()) {
      BY_VALUE.put(r.value, r);
    }
  }

  private final int value;

  NvmlReturn(int value) {
    this.value = value;
  }

  /** The numeric {@code nvmlReturn_t}. */
  public int value() {
    return value;
  }

  /** The C name: {@code NVML_SUCCESS}, {@code NVML_ERROR_GPU_IS_LOST}, ... */
  public String codeName() {
    return this == SUCCESS ? "NVML_SUCCESS" : "NVML_ERROR_" + name();
  }

  /** Whether {@code e} carries this code. */
  public boolean is(GpuException e) {
    return codeName().equals(e.code());
  }

  /** The vendor-neutral kind of failure this code is. */
  public GpuFault fault() {
    return switch (this) {
      case NOT_SUPPORTED, FUNCTION_NOT_FOUND, VGPU_ECC_NOT_SUPPORTED, FREQ_NOT_SUPPORTED, RESET_TYPE_NOT_SUPPORTED,
          DEPRECATED -> GpuFault.NOT_SUPPORTED;
      case NO_PERMISSION -> GpuFault.NO_PERMISSION;
      case GPU_IS_LOST, RESET_REQUIRED, UNINITIALIZED, DRIVER_NOT_LOADED -> GpuFault.GPU_LOST;
      case IN_USE, TIMEOUT, NOT_READY, INSUFFICIENT_RESOURCES -> GpuFault.BUSY;
      case INVALID_ARGUMENT, ARGUMENT_VERSION_MISMATCH, INSUFFICIENT_SIZE -> GpuFault.INVALID_ARGUMENT;
      case NOT_FOUND, GPU_NOT_FOUND -> GpuFault.NOT_FOUND;
      case LIBRARY_NOT_FOUND -> GpuFault.LIBRARY_NOT_FOUND;
      case LIB_RM_VERSION_MISMATCH -> GpuFault.LIBRARY_UNUSABLE;
      default -> GpuFault.UNKNOWN;
    };
  }

  /** The fault of any return code; {@link GpuFault#UNKNOWN} for one newer than this list. */
  public static GpuFault faultOf(int value) {
    NvmlReturn r = BY_VALUE.get(value);
    return r != null ? r.fault() : GpuFault.UNKNOWN;
  }

  /** The exception for a failed call that returned {@code value}. */
  public static GpuException error(int value, String message) {
    return new GpuException(faultOf(value), codeName(value), message);
  }

  /** The exception for this code. */
  public GpuException exception(String message) {
    return new GpuException(fault(), codeName(), message);
  }

  /** The exception for this code, with its cause. */
  public GpuException exception(String message, Throwable cause) {
    return new GpuException(fault(), codeName(), message, cause);
  }

  /** The name of any return code, also of one newer than this list. */
  public static String codeName(int value) {
    NvmlReturn r = BY_VALUE.get(value);
    return r != null ? r.codeName() : "NVML_ERROR_CODE_" + value;
  }
}
