package io.carbongovernor.gpu.amdsmi;

import io.carbongovernor.gpu.GpuException;
import io.carbongovernor.gpu.GpuFault;
import java.util.HashMap;
import java.util.Map;

/**
 * AMD SMI's status codes ({@code amdsmi_status_t}, include/amd_smi/amdsmi.h, ROCm 6.0 to 6.2). A
 * failed call becomes a {@link GpuException} whose code is {@link #codeName()}, e.g. {@code
 * AMDSMI_STATUS_NO_PERM}, and whose fault is {@link #fault()}; a code newer than this list is named
 * {@code AMDSMI_STATUS_CODE_<n>} and is {@link GpuFault#UNKNOWN}. This mapping is the only place
 * AMD SMI's codes meet the vendor-neutral faults.
 */
public enum AmdSmiStatus {
  SUCCESS(0),
  INVAL(1),
  NOT_SUPPORTED(2),
  NOT_YET_IMPLEMENTED(3),
  FAIL_LOAD_MODULE(4),
  FAIL_LOAD_SYMBOL(5),
  DRM_ERROR(6),
  API_FAILED(7),
  TIMEOUT(8),
  RETRY(9),
  NO_PERM(10),
  INTERRUPT(11),
  IO(12),
  ADDRESS_FAULT(13),
  FILE_ERROR(14),
  OUT_OF_RESOURCES(15),
  INTERNAL_EXCEPTION(16),
  INPUT_OUT_OF_BOUNDS(17),
  INIT_ERROR(18),
  REFCOUNT_OVERFLOW(19),
  BUSY(30),
  NOT_FOUND(31),
  NOT_INIT(32),
  NO_SLOT(33),
  DRIVER_NOT_LOADED(34),
  NO_DATA(40),
  INSUFFICIENT_SIZE(41),
  UNEXPECTED_SIZE(42),
  UNEXPECTED_DATA(43),
  NON_AMD_CPU(44),
  NO_ENERGY_DRV(45),
  NO_MSR_DRV(46),
  NO_HSMP_DRV(47),
  NO_HSMP_SUP(48),
  NO_HSMP_MSG_SUP(49),
  HSMP_TIMEOUT(50),
  NO_DRV(51),
  FILE_NOT_FOUND(52),
  ARG_PTR_NULL(53),
  AMDGPU_RESTART_ERR(54),
  SETTING_UNAVAILABLE(55),
  MAP_ERROR(0xFFFFFFFE),
  UNKNOWN_ERROR(0xFFFFFFFF);

  private static final Map<Integer, AmdSmiStatus> BY_VALUE = new HashMap<>();

  static {
    for (AmdSmiStatus s : values()) {
      BY_VALUE.put(s.value, s);
    }
  }

  private final int value;

  AmdSmiStatus(int value) {
    this.value = value;
  }

  /** The numeric {@code amdsmi_status_t}, as the C int it is returned in. */
  public int value() {
    return value;
  }

  /** The C name: {@code AMDSMI_STATUS_SUCCESS}, {@code AMDSMI_STATUS_NO_PERM}, ... */
  public String codeName() {
    return "AMDSMI_STATUS_" + name();
  }

  /** The vendor-neutral kind of failure this status is. */
  public GpuFault fault() {
    return switch (this) {
      case NOT_SUPPORTED, NOT_YET_IMPLEMENTED, SETTING_UNAVAILABLE, NO_ENERGY_DRV, NO_DATA -> GpuFault.NOT_SUPPORTED;
      case NO_PERM -> GpuFault.NO_PERMISSION;
      // A GPU gone from the bus or whose driver was unloaded or failed to restart.
      case NOT_FOUND, NOT_INIT, DRIVER_NOT_LOADED, AMDGPU_RESTART_ERR -> GpuFault.GPU_LOST;
      case BUSY, RETRY, TIMEOUT, INTERRUPT, OUT_OF_RESOURCES -> GpuFault.BUSY;
      case INVAL, INPUT_OUT_OF_BOUNDS, ARG_PTR_NULL, INSUFFICIENT_SIZE -> GpuFault.INVALID_ARGUMENT;
      case FAIL_LOAD_MODULE -> GpuFault.LIBRARY_NOT_FOUND;
      case FAIL_LOAD_SYMBOL -> GpuFault.LIBRARY_UNUSABLE;
      default -> GpuFault.UNKNOWN;
    };
  }

  /** The fault of any status; {@link GpuFault#UNKNOWN} for one newer than this list. */
  public static GpuFault faultOf(int value) {
    AmdSmiStatus s = BY_VALUE.get(value);
    return s != null ? s.fault() : GpuFault.UNKNOWN;
  }

  /** The name of any status, also of one newer than this list. */
  public static String codeName(int value) {
    AmdSmiStatus s = BY_VALUE.get(value);
    return s != null ? s.codeName() : "AMDSMI_STATUS_CODE_" + Integer.toUnsignedString(value);
  }

  /** The exception for a failed call that returned {@code value}. */
  public static GpuException error(int value, String message) {
    return new GpuException(faultOf(value), codeName(value), message);
  }

  /** The exception for this status. */
  public GpuException exception(String message) {
    return new GpuException(fault(), codeName(), message);
  }
}
