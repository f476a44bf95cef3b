package io.carbongovernor.daemon.identity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalLong;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;

/** Uids from the C library, which asks every NSS source (files, LDAP, sssd). */
final class LibcAccountIds implements AccountIds {

  /** The jnr-ffi view; public because jnr-ffi generates its implementation. */
  public interface Libc {
    int getpwnam_r(
        @In String name, @Out byte[] passwd, @Out byte[] buffer, @size_t long length, PointerByReference result);
  }

  // struct passwd on 64-bit Linux: pw_name, pw_passwd (pointers), pw_uid, pw_gid (32 bits each),
  // pw_gecos, pw_dir, pw_shell (pointers).
  private static final int PASSWD_BYTES = 48;
  private static final int UID_OFFSET = 16;
  private static final int ERANGE = 34;
  private static final int MAX_BUFFER = 1 << 20;

  private final Libc libc;

  private LibcAccountIds(Libc libc) {
    this.libc = libc;
  }

  static Optional<AccountIds> load() {
    try {
      return Optional.of(new LibcAccountIds(LibraryLoader.create(Libc.class).failImmediately().load("c")));
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public OptionalLong uid(String name) {
    // The reentrant call: the strings it finds live in our buffer, grown while it says ERANGE.
    for (int size = 4096; size <= MAX_BUFFER; size *= 4) {
      byte[] passwd = new byte[PASSWD_BYTES];
      PointerByReference found = new PointerByReference();
      int error = libc.getpwnam_r(name, passwd, new byte[size], size, found);
      if (error == ERANGE) {
        continue;
      }
      if (error != 0) {
        throw new IdentityException("getpwnam_r(" + name + ") failed with error " + error);
      }
      if (found.getValue() == null) {
        return OptionalLong.empty();
      }
      return OptionalLong.of(
          Integer.toUnsignedLong(ByteBuffer.wrap(passwd).order(ByteOrder.nativeOrder()).getInt(UID_OFFSET)));
    }
    throw new IdentityException("the account entry of " + name + " is over " + MAX_BUFFER + " bytes");
  }
}
