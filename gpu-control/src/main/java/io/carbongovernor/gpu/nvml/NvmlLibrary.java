package io.carbongovernor.gpu.nvml;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.u_int32_t;

/**
 * The NVML functions the daemon calls, bound by jnr-ffi with their versioned names. Units: mW, mJ,
 * MHz, percent. Out-parameters are undefined unless the call returned {@code NVML_SUCCESS}. Public
 * only because jnr-ffi generates its implementation in another class loader; use {@link NvmlGpus}.
 */
public interface NvmlLibrary {
  int nvmlInit_v2();

  int nvmlShutdown();

  String nvmlErrorString(int result);

  int nvmlSystemGetDriverVersion(@Out byte[] version, @u_int32_t int length);

  int nvmlDeviceGetCount_v2(@Out IntByReference count);

  int nvmlDeviceGetHandleByIndex_v2(@u_int32_t int index, @Out PointerByReference device);

  int nvmlDeviceGetHandleByUUID(@In String uuid, @Out PointerByReference device);

  int nvmlDeviceGetName(Pointer device, @Out byte[] name, @u_int32_t int length);

  int nvmlDeviceGetUUID(Pointer device, @Out byte[] uuid, @u_int32_t int length);

  int nvmlDeviceGetPowerUsage(Pointer device, @Out IntByReference milliwatts);

  int nvmlDeviceGetTotalEnergyConsumption(Pointer device, @Out LongLongByReference millijoules);

  int nvmlDeviceGetPowerManagementLimit(Pointer device, @Out IntByReference milliwatts);

  int nvmlDeviceGetPowerManagementLimitConstraints(
      Pointer device, @Out IntByReference minMilliwatts, @Out IntByReference maxMilliwatts);

  int nvmlDeviceGetPowerManagementDefaultLimit(Pointer device, @Out IntByReference milliwatts);

  int nvmlDeviceGetEnforcedPowerLimit(Pointer device, @Out IntByReference milliwatts);

  int nvmlDeviceSetPowerManagementLimit(Pointer device, @u_int32_t int milliwatts);

  /** {@code nvmlUtilization_t}: {@code [gpu, memory]} percent. */
  int nvmlDeviceGetUtilizationRates(Pointer device, @Out int[] utilization);

  int nvmlDeviceGetClockInfo(Pointer device, int clockType, @Out IntByReference mhz);

  int nvmlDeviceGetMigMode(Pointer device, @Out IntByReference current, @Out IntByReference pending);

  /** 16-byte entries. */
  int nvmlDeviceGetComputeRunningProcesses(Pointer device, @In @Out IntByReference count, Pointer infos);

  /** 24-byte entries. */
  int nvmlDeviceGetComputeRunningProcesses_v2(Pointer device, @In @Out IntByReference count, Pointer infos);

  /** 24-byte entries, except 32 on drivers 535.43 to 535.86. */
  int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, @In @Out IntByReference count, Pointer infos);
}
