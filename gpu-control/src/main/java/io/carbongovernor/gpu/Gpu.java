package io.carbongovernor.gpu;

import java.util.Objects;

/**
 * One GPU as a backend enumerated it. The UUID is the stable identity (indices change across
 * reboots and driver reloads); the index is what operators see in {@code nvidia-smi}.
 */
public record Gpu(int index, String uuid, String name, PowerConstraints constraints, Power defaultLimit) {

  public Gpu {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(constraints, "constraints");
    Objects.requireNonNull(defaultLimit, "defaultLimit");
    if (index < 0) {
      throw new IllegalArgumentException("gpu index cannot be negative: " + index);
    }
  }

  /** {@code gpu0 (GPU-1234...)}, for logs. */
  public String label() {
    return "gpu" + index;
  }
}
