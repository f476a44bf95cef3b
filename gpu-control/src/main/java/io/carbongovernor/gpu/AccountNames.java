package io.carbongovernor.gpu;

import java.nio.file.Path;
import java.util.Optional;

/** Names of users and groups by id. */
public interface AccountNames {

  Optional<String> user(long uid);

  Optional<String> group(long gid);

  /**
   * The system's accounts through the C library ({@code getpwuid}, {@code getgrgid}), so that
   * LDAP and other NSS sources count; the files in /etc where the C library cannot be loaded.
   */
  static AccountNames system() {
    return LibcAccountNames.load().orElseGet(() -> files(Path.of("/etc/passwd"), Path.of("/etc/group")));
  }

  /** Accounts from files in the /etc/passwd and /etc/group formats, read at each lookup. */
  static AccountNames files(Path passwd, Path group) {
    return new FileAccountNames(passwd, group);
  }
}
