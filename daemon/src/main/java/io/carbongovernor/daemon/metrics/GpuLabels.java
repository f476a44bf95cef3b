package io.carbongovernor.daemon.metrics;

import io.carbongovernor.gpu.Gpu;

/**
 * The GPU labels, named as dcgm-exporter names them ({@code gpu} the index, {@code UUID} upper
 * case), so that PromQL can join our series with DCGM's on either. On AMD GPUs the labels of
 * AMD's device-metrics-exporter come beside them ({@code gpu_id} the index, {@code gpu_uuid}), so
 * that its series join as well.
 */
record GpuLabels(boolean amdStyle) {

  static final String GPU = "gpu";
  static final String UUID = "UUID";
  static final String AMD_GPU_ID = "gpu_id";
  static final String AMD_GPU_UUID = "gpu_uuid";

  /** The labels for the GPUs of a backend's vendor ({@code GpuControl#vendor()}). */
  static GpuLabels forVendor(String vendor) {
    return new GpuLabels("AMD".equals(vendor));
  }

  String[] names() {
    return amdStyle ? new String[] {GPU, UUID, AMD_GPU_ID, AMD_GPU_UUID} : new String[] {GPU, UUID};
  }

  String[] of(Gpu gpu) {
    String index = Integer.toString(gpu.index());
    return amdStyle ? new String[] {index, gpu.uuid(), index, gpu.uuid()} : new String[] {index, gpu.uuid()};
  }
}
