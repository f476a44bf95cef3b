package io.carbongovernor.gpu;

import java.util.List;
import java.util.Objects;

/**
 * Who runs a GPU process: its real uid, the user name, and the names of its groups (primary
 * first, then supplementary). A uid or gid without a name appears as its number.
 */
public record ProcessOwner(long pid, long uid, String user, List<String> groups) {

  public ProcessOwner {
    Objects.requireNonNull(user, "user");
    groups = List.copyOf(groups);
  }
}
