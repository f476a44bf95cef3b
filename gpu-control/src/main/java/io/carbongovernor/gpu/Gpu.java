package io.carbongovernor.gpu;

import java.util.Objects;

/**
 * One GPU as a backend enumerated it. The UUID is the stable identity (indices change across
 * reboots and driver reloads); the index is what operators see in {@code nvidia-smi}.
 */
public record Gpu(int index, String uuid, String name, PowerConstraints constraints, Power defaultLimit) {

  private static final String UUID_PREFIX = "GPU-";

  public Gpu {
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(constraints, "constraints");
    Objects.requireNonNull(defaultLimit, "defaultLimit");
    if (index < 0) {
      throw new IllegalArgumentException("gpu index cannot be negative: " + index);
    }
  }

  /**
   * Whether {@code ref} names this GPU: its index, or its UUID in any case, with or without the
   * {@code GPU-} prefix (as users, CUDA_VISIBLE_DEVICES and the job API write them).
   */
  public boolean isNamedBy(String ref) {
    return Integer.toString(index).equals(ref) || bare(uuid).equalsIgnoreCase(bare(ref));
  }

  private static String bare(String uuid) {
    return uuid.regionMatches(true, 0, UUID_PREFIX, 0, UUID_PREFIX.length()) ? uuid.substring(UUID_PREFIX.length()) : uuid;
  }

  /** {@code gpu0 (GPU-1234...)}, for logs. */
  public String label() {
    return "gpu" + index;
  }
}
