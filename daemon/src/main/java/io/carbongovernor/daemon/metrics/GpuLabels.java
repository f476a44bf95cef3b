package io.carbongovernor.daemon.metrics;

import io.carbongovernor.gpu.Gpu;

/**
 * The GPU labels, named as dcgm-exporter names them ({@code gpu} the index, {@code UUID} upper
 * case), so that PromQL can join our series with DCGM's on either.
 */
final class GpuLabels {

  static final String GPU = "gpu";
  static final String UUID = "UUID";

  private GpuLabels() {}

  static String[] names() {
    return new String[] {GPU, UUID};
  }

  static String[] of(Gpu gpu) {
    return new String[] {Integer.toString(gpu.index()), gpu.uuid()};
  }
}
