package io.carbongovernor.gpu;

import java.util.List;
import java.util.Objects;

/**
 * An account that exists only in the simulation: the user and groups that run a simulated GPU's
 * work. No process on the host has it; only the simulated backend reports it, for its own
 * simulated processes (see {@link SimulatedGpuControl#accountOf}).
 */
public record SimulatedAccount(String user, List<String> groups) {

  public SimulatedAccount {
    Objects.requireNonNull(user, "user");
    if (user.isBlank()) {
      throw new IllegalArgumentException("a simulated account needs a user name");
    }
    groups = List.copyOf(groups);
  }
}
