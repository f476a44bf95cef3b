package io.carbongovernor.gpu.nvml;

/**
 * A GPU's MIG mode. A pending mode that differs from the current one means a GPU reset is coming,
 * which also resets the power limit.
 */
public record MigMode(boolean current, boolean pending) {

  public boolean changePending() {
    return current != pending;
  }
}
