package io.carbongovernor.daemon.identity;

import java.nio.file.Path;
import java.util.OptionalLong;

/** Uids of local accounts by name: the reverse of what the kernel's peer credentials name. */
public interface AccountIds {

  /** The account's uid, or empty when no account has this name. */
  OptionalLong uid(String name);

  /**
   * The system's accounts through the C library ({@code getpwnam_r}), so that LDAP and other NSS
   * sources count as they did when the JDK named the peer; {@code /etc/passwd} where the C library
   * cannot be loaded.
   */
  static AccountIds system() {
    return LibcAccountIds.load().orElseGet(() -> passwdFile(Path.of("/etc/passwd")));
  }

  /** Accounts in a file of the /etc/passwd format ({@code name:x:uid:...}), read at each lookup. */
  static AccountIds passwdFile(Path passwd) {
    return new PasswdFileAccountIds(passwd);
  }
}
