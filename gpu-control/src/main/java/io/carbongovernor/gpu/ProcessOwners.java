package io.carbongovernor.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds who runs a process: uid and groups from {@code /proc/<pid>/status} (the Uid, Gid and
 * Groups lines), names from {@link AccountNames}. NVML reports host pids, so this must read the
 * host's /proc (a containerised daemon needs the host pid namespace).
 */
public final class ProcessOwners {

  private final Path procRoot;
  private final AccountNames names;

  private ProcessOwners(Path procRoot, AccountNames names) {
    this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    this.names = Objects.requireNonNull(names, "names");
  }

  /** The host's /proc and the system's accounts. */
  public static ProcessOwners system() {
    return new ProcessOwners(Path.of("/proc"), AccountNames.system());
  }

  /** A /proc tree at {@code procRoot} (tests use a directory of their own) and these names. */
  public static ProcessOwners of(Path procRoot, AccountNames names) {
    return new ProcessOwners(procRoot, names);
  }

  /** The owner of {@code pid}; empty when the process is gone or its status is unreadable. */
  public Optional<ProcessOwner> owner(long pid) {
    List<String> lines;
    try {
      lines = Files.readAllLines(procRoot.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Optional.empty();
    }
    Long uid = null;
    Long gid = null;
    List<Long> supplementary = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("Uid:")) {
        uid = firstNumber(line);
      } else if (line.startsWith("Gid:")) {
        gid = firstNumber(line);
      } else if (line.startsWith("Groups:")) {
        for (String id : line.substring("Groups:".length()).trim().split("\\s+")) {
          if (!id.isEmpty()) {
            parse(id).ifPresent(supplementary::add);
          }
        }
      }
    }
    if (uid == null) {
      return Optional.empty();
    }
    long u = uid;
    String user = names.user(u).orElse(Long.toString(u));
    Set<String> groups = new LinkedHashSet<>();
    if (gid != null) {
      groups.add(groupName(gid));
    }
    supplementary.forEach(g -> groups.add(groupName(g)));
    return Optional.of(new ProcessOwner(pid, u, user, List.copyOf(groups)));
  }

  private String groupName(long gid) {
    return names.group(gid).orElse(Long.toString(gid));
  }

  /** The real id: the first of the four ids on a Uid or Gid line. */
  private static Long firstNumber(String line) {
    String[] fields = line.substring(line.indexOf(':') + 1).trim().split("\\s+");
    return fields.length == 0 ? null : parse(fields[0]).orElse(null);
  }

  private static Optional<Long> parse(String s) {
    try {
      long v = Long.parseLong(s);
      return v < 0 ? Optional.empty() : Optional.of(v);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
