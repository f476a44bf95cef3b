package io.carbongovernor.daemon.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Why this process may not write a database file, in words an operator can act on: the file
 * or folder with its owner, group and mode, and the command that fixes it. SQLite only says
 * "attempt to write a readonly database".
 */
final class WriteAccess {

  private WriteAccess() {}

  /** The user this process runs as (as the operator would name it in chown). */
  static String processUser() {
    return System.getProperty("user.name", "carbon-governor");
  }

  /** Why {@code file} (or a companion, or its folder) cannot be written; empty when it can. */
  static Optional<String> whyNotWritable(HistoryFile file) {
    Path dir = file.path().getParent();
    try {
      Path probe = Files.exists(file.path()) ? file.path() : dir;
      if (Files.exists(probe) && Files.getFileStore(probe).isReadOnly()) {
        return Optional.of(probe + " is on a read-only file system; remount it read-write, or set history.url to a"
            + " writable place");
      }
      List<Path> files = new ArrayList<>(List.of(file.path()));
      HistoryFile.COMPANIONS.forEach(s -> files.add(file.companion(s)));
      for (Path p : files) {
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isWritable(p)) {
          return Optional.of(explain(p, ""));
        }
      }
      if (Files.exists(dir) && !Files.isWritable(dir)) {
        return Optional.of(explain(dir, " (SQLite writes its journal in the database's folder)"));
      }
    } catch (IOException e) {
      return Optional.of("cannot check " + file + ": " + e.getMessage());
    }
    return Optional.empty();
  }

  private static String explain(Path p, String why) throws IOException {
    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    String user = processUser();
    String owner = a.owner().getName();
    String fix;
    if (!owner.equals(user)) {
      fix = "chown " + user + ": " + p;
    } else if (!a.permissions().contains(PosixFilePermission.OWNER_WRITE)) {
      fix = "chmod u+w " + p;
    } else {
      fix = "its owner and mode allow writing, so a file attribute forbids it: lsattr " + p + " shows it, chattr -i "
          + p + " clears the immutable flag";
    }
    return p + " is not writable by user " + user + " (owner " + owner + ", group " + a.group().getName()
        + ", mode " + octal(a.permissions()) + ")" + why + "; fix: " + fix;
  }

  /** A permission set as chmod writes it, e.g. {@code 0640}. */
  static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", mode);
  }
}
