package io.carbongovernor.daemon.identity;

import java.util.Objects;
import java.util.Set;

/** A local account: its uid, name (when the account database knows it) and group names. */
public record UnixUser(long uid, String name, Set<String> groups) {

  public UnixUser {
    Objects.requireNonNull(name, "name");
    groups = Set.copyOf(groups);
  }

  public boolean isRoot() {
    return uid == 0;
  }
}
