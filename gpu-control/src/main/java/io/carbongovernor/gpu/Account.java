package io.carbongovernor.gpu;

import java.util.List;
import java.util.Objects;

/**
 * A local account as the system's user database has it.
 *
 * @param gid the primary group's id
 * @param home the home directory as the account names it (may be empty)
 * @param shell the login shell (may be empty)
 * @param groups the names of the groups the user belongs to, the primary first (a group without a
 *     name appears as its number)
 */
public record Account(long uid, String name, long gid, String home, String shell, List<String> groups) {
  public Account {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(shell, "shell");
    groups = List.copyOf(groups);
  }
}
