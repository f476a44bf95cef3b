package io.carbongovernor.gpu;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * One simulated compute process: the GPU (by index) it runs on and the simulated account that
 * runs it; without an account nobody can tell whose it is, as with a process in a pid namespace
 * the daemon cannot see.
 */
public record SimulatedWork(int gpu, Optional<SimulatedAccount> account) {

  public SimulatedWork {
    if (gpu < 0) {
      throw new IllegalArgumentException("gpu index cannot be negative: " + gpu);
    }
    Objects.requireNonNull(account, "account");
  }

  /** Work nobody can be told to own on each of {@code count} GPUs: every GPU busy, no team. */
  public static List<SimulatedWork> everyGpu(int count) {
    return IntStream.range(0, count).mapToObj(i -> new SimulatedWork(i, Optional.empty())).toList();
  }
}
