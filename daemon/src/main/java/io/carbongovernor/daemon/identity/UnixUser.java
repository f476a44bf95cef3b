package io.carbongovernor.daemon.identity;

import io.carbongovernor.gpu.ProcessOwner;
import java.util.Objects;
import java.util.Set;

/** A local account: its uid, name (its number where no name is known) and group names. */
public record UnixUser(long uid, String name, Set<String> groups) {

  public UnixUser {
    Objects.requireNonNull(name, "name");
    groups = Set.copyOf(groups);
  }

  /** The owner of a process as /proc reports it, with its real groups. */
  public static UnixUser of(ProcessOwner owner) {
    return new UnixUser(owner.uid(), owner.user(), Set.copyOf(owner.groups()));
  }

  public boolean isRoot() {
    return uid == 0;
  }
}
