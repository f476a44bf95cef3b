package io.carbongovernor.gpu;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** Names of users and groups by id, and a user's id by name. */
public interface AccountNames {

  Optional<String> user(long uid);

  Optional<String> group(long gid);

  /** The uid of the user with this name; empty when no account has it. */
  OptionalLong uid(String user);

  /** The account of {@code uid}: name, home, shell and groups; empty when no account has it. */
  Optional<Account> account(long uid);

  /**
   * The primary gid of the user with this uid (its passwd entry's); empty when no account has it,
   * or where a source of names cannot say.
   */
  default OptionalLong primaryGid(long uid) {
    return OptionalLong.empty();
  }

  /**
   * The system's accounts through the C library ({@code getpwuid}, {@code getgrgid}, {@code
   * getpwnam_r}), so that LDAP and other NSS sources count; the files in /etc where the C library
   * cannot be loaded.
   */
  static AccountNames system() {
    return LibcAccountNames.load().orElseGet(() -> files(Path.of("/etc/passwd"), Path.of("/etc/group")));
  }

  /** Accounts from files in the /etc/passwd and /etc/group formats, read at each lookup. */
  static AccountNames files(Path passwd, Path group) {
    return new FileAccountNames(passwd, group);
  }
}
