package io.carbongovernor.gpu.amdsmi;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.u_int32_t;
import jnr.ffi.types.u_int64_t;

/**
 * The AMD SMI functions the daemon calls (libamd_smi.so, ROCm 6+), bound by jnr-ffi. Every
 * function returns an {@code amdsmi_status_t} ({@link AmdSmiStatus}); out-parameters are undefined
 * unless it is {@code AMDSMI_STATUS_SUCCESS}. Handles ({@code amdsmi_socket_handle}, {@code
 * amdsmi_processor_handle}) are {@code void *}. Structs are read from memory at the offsets of
 * include/amd_smi/amdsmi.h, which did not change from ROCm 6.0 to 6.2:
 *
 * <ul>
 *   <li>{@code amdsmi_power_cap_info_t}, 64 bytes: {@code uint64_t power_cap} @0, {@code
 *       default_power_cap} @8, {@code dpm_cap} @16 (MHz), {@code min_power_cap} @24, {@code
 *       max_power_cap} @32; powers in microwatts
 *   <li>{@code amdsmi_power_info_t}, 68 bytes: {@code uint32_t current_socket_power} @0 (W, MI300),
 *       {@code average_socket_power} @4 (W, MI200); 0xFFFF or more where not available
 *   <li>{@code amdsmi_proc_info_t}, 224 bytes: {@code char name[32]} @0, {@code uint32_t pid} @32,
 *       {@code uint64_t mem} @40 (bytes)
 *   <li>{@code amdsmi_asic_info_t}, 456 bytes: {@code char market_name[256]} @0
 *   <li>{@code amdsmi_driver_info_t}, 192 bytes: {@code char driver_version[64]} @0
 *   <li>{@code amdsmi_engine_usage_t}, 64 bytes: {@code uint32_t gfx_activity} @0 (percent)
 *   <li>{@code amdsmi_clk_info_t}, 32 bytes: {@code uint32_t clk} @0 (MHz)
 * </ul>
 *
 * Public only because jnr-ffi generates its implementation in another class loader; use {@link
 * AmdSmiGpus}.
 */
public interface AmdSmiLibrary {

  /** {@code AMDSMI_INIT_AMD_GPUS}: GPUs only. */
  long INIT_AMD_GPUS = 1L << 1;

  /** {@code AMDSMI_PROCESSOR_TYPE_AMD_GPU} of {@code processor_type_t}. */
  int PROCESSOR_TYPE_AMD_GPU = 1;

  /** {@code AMDSMI_CLK_TYPE_GFX} of {@code amdsmi_clk_type_t}. */
  int CLK_TYPE_GFX = 0;

  /** {@code AMDSMI_GPU_UUID_SIZE}. */
  int GPU_UUID_SIZE = 38;

  int POWER_CAP_INFO_SIZE = 64;
  int POWER_INFO_SIZE = 68;
  int PROC_INFO_SIZE = 224;

  int amdsmi_init(@u_int64_t long initFlags);

  int amdsmi_shut_down();

  int amdsmi_status_code_to_string(int status, @Out PointerByReference statusString);

  /** With {@code handles} null, the count of sockets. */
  int amdsmi_get_socket_handles(@In @Out IntByReference socketCount, Pointer socketHandles);

  /** With {@code handles} null, the count of processors on the socket. */
  int amdsmi_get_processor_handles(Pointer socketHandle, @In @Out IntByReference processorCount, Pointer processorHandles);

  int amdsmi_get_processor_type(Pointer processorHandle, @Out IntByReference processorType);

  int amdsmi_get_gpu_device_uuid(Pointer processorHandle, @In @Out IntByReference uuidLength, @Out byte[] uuid);

  int amdsmi_get_gpu_asic_info(Pointer processorHandle, Pointer asicInfo);

  int amdsmi_get_gpu_driver_info(Pointer processorHandle, Pointer driverInfo);

  /** {@code SPX}, {@code DPX}, {@code TPX}, {@code QPX} or {@code CPX}. */
  int amdsmi_get_gpu_compute_partition(Pointer processorHandle, @Out byte[] computePartition, @u_int32_t int length);

  int amdsmi_get_power_cap_info(Pointer processorHandle, @u_int32_t int sensorIndex, Pointer powerCapInfo);

  /** {@code cap} in microwatts, within {@code [min_power_cap, max_power_cap]}. */
  int amdsmi_set_power_cap(Pointer processorHandle, @u_int32_t int sensorIndex, @u_int64_t long cap);

  int amdsmi_get_power_info(Pointer processorHandle, Pointer powerInfo);

  /**
   * {@code uint64_t *energy_accumulator, float *counter_resolution, uint64_t *timestamp}: energy
   * in microjoules is the accumulator times the resolution; the timestamp is in nanoseconds.
   */
  int amdsmi_get_energy_count(Pointer processorHandle, Pointer energyAccumulator, Pointer counterResolution, Pointer timestamp);

  int amdsmi_get_gpu_activity(Pointer processorHandle, Pointer engineUsage);

  int amdsmi_get_clock_info(Pointer processorHandle, int clockType, Pointer clockInfo);

  /**
   * {@code max_processes} in: the list's room (0: count only); out: the number of processes.
   * {@code AMDSMI_STATUS_OUT_OF_RESOURCES} when the room was too small.
   */
  int amdsmi_get_gpu_process_list(Pointer processorHandle, @In @Out IntByReference maxProcesses, Pointer list);
}
