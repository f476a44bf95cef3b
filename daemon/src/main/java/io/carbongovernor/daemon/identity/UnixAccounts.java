package io.carbongovernor.daemon.identity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Names and groups of uids, from {@code /etc/passwd} and {@code /etc/group} under a root folder
 * (the real {@code /}, or a test's folder). Read on every lookup: the files are small, lookups are
 * rare (one per registration and per new process), and an edit by the admin shows at once.
 *
 * <p>Accounts served only by NSS (LDAP, SSSD) are not in these files; such a uid gets the name
 * {@code uid:<n>} and no groups, and so falls to the default policy unless a team lists it by that
 * name.
 */
public final class UnixAccounts {

  private final Path passwd;
  private final Path group;

  private UnixAccounts(Path root) {
    this.passwd = root.resolve("etc/passwd");
    this.group = root.resolve("etc/group");
  }

  /** The host's account files. */
  public static UnixAccounts system() {
    return new UnixAccounts(Path.of("/"));
  }

  /** The account files under {@code root} ({@code root/etc/passwd}, {@code root/etc/group}). */
  public static UnixAccounts under(Path root) {
    return new UnixAccounts(root);
  }

  /** The user with this uid: name and every group (primary and supplementary). */
  public UnixUser user(long uid) {
    List<String> passwdLines = lines(passwd);
    Optional<String[]> entry =
        passwdLines.stream()
            .map(l -> l.split(":", -1))
            .filter(f -> f.length >= 4 && f[2].equals(Long.toString(uid)))
            .findFirst();
    if (entry.isEmpty()) {
      return new UnixUser(uid, "uid:" + uid, Set.of());
    }
    String name = entry.get()[0];
    String primaryGid = entry.get()[3];
    Set<String> groups = new LinkedHashSet<>();
    for (String line : lines(group)) {
      String[] f = line.split(":", -1);
      if (f.length < 4) {
        continue;
      }
      boolean primary = f[2].equals(primaryGid);
      boolean member = Arrays.asList(f[3].split(",")).contains(name);
      if (primary || member) {
        groups.add(f[0]);
      }
    }
    return new UnixUser(uid, name, groups);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new IdentityException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
