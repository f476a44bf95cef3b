package io.carbongovernor.gpu;

import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.uid_t;

/** Account names from the C library, which asks every NSS source (files, LDAP, sssd). */
final class LibcAccountNames implements AccountNames {

  /** {@code struct passwd} and {@code struct group} both start with the name pointer. */
  public interface Libc {
    Pointer getpwuid(@uid_t int uid);

    Pointer getgrgid(@gid_t int gid);
  }

  private final Libc libc;

  private LibcAccountNames(Libc libc) {
    this.libc = libc;
  }

  static Optional<AccountNames> load() {
    try {
      return Optional.of(new LibcAccountNames(LibraryLoader.create(Libc.class).failImmediately().load("c")));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  // getpwuid and getgrgid return static storage: one caller at a time.
  @Override
  public Optional<String> user(long uid) {
    synchronized (LibcAccountNames.class) {
      return name(libc.getpwuid((int) uid));
    }
  }

  @Override
  public Optional<String> group(long gid) {
    synchronized (LibcAccountNames.class) {
      return name(libc.getgrgid((int) gid));
    }
  }

  private static Optional<String> name(Pointer entry) {
    if (entry == null) {
      return Optional.empty();
    }
    Pointer name = entry.getPointer(0);
    return name == null ? Optional.empty() : Optional.of(name.getString(0));
  }
}
