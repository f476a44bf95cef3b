package io.carbongovernor.gpu;

import java.util.HashMap;
import java.util.Map;

/**
 * NVML's return codes ({@code nvmlReturn_t}, NVML 13.3). A failed call becomes a {@link
 * GpuException} whose {@link GpuException#code() code} is {@link #codeName()}, e.g. {@code
 * NVML_ERROR_NO_PERMISSION}; a code newer than this list is named {@code NVML_ERROR_CODE_<n>}.
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

  /** The name of any return code, also of one newer than this list. */
  public static String codeName(int value) {
    NvmlReturn r = BY_VALUE.get(value);
    return r != null ? r.codeName() : "NVML_ERROR_CODE_" + value;
  }
}
