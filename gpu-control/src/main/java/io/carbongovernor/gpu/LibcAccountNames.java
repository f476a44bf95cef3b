package io.carbongovernor.gpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalLong;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.gid_t;
import jnr.ffi.types.uid_t;

/** Account names and uids from the C library, which asks every NSS source (files, LDAP, sssd). */
final class LibcAccountNames implements AccountNames {

  /** {@code struct passwd} and {@code struct group} both start with the name pointer. */
  public interface Libc {
    Pointer getpwuid(@uid_t int uid);

    Pointer getgrgid(@gid_t int gid);

    int getgrouplist(@In String user, @gid_t int group, @Out int[] groups, IntByReference count);

    int getpwnam_r(
        @In String name, @Out byte[] passwd, @Out byte[] buffer, @size_t long length, PointerByReference result);
  }

  // struct passwd on 64-bit Linux: pw_name, pw_passwd (pointers), pw_uid, pw_gid (32 bits each),
  // pw_gecos, pw_dir, pw_shell (pointers).
  private static final int PASSWD_BYTES = 48;
  private static final int UID_OFFSET = 16;
  private static final int GID_OFFSET = 20;
  private static final int DIR_OFFSET = 32;
  private static final int SHELL_OFFSET = 40;
  /** More groups than this for one user is a broken database; NGROUPS_MAX is 65536. */
  private static final int MAX_GROUPS = 65_536;
  private static final int ERANGE = 34;
  private static final int MAX_BUFFER = 1 << 20;

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

  @Override
  public OptionalLong primaryGid(long uid) {
    synchronized (LibcAccountNames.class) {
      Pointer entry = libc.getpwuid((int) uid);
      return entry == null ? OptionalLong.empty() : OptionalLong.of(Integer.toUnsignedLong(entry.getInt(GID_OFFSET)));
    }
  }

  @Override
  public OptionalLong uid(String user) {
    // The reentrant call: the strings it finds live in our buffer, grown while it says ERANGE.
    for (int size = 4096; size <= MAX_BUFFER; size *= 4) {
      byte[] passwd = new byte[PASSWD_BYTES];
      PointerByReference found = new PointerByReference();
      int error = libc.getpwnam_r(user, passwd, new byte[size], size, found);
      if (error == ERANGE) {
        continue;
      }
      if (error != 0 || found.getValue() == null) {
        return OptionalLong.empty(); // no such account, or the account database cannot answer
      }
      return OptionalLong.of(
          Integer.toUnsignedLong(ByteBuffer.wrap(passwd).order(ByteOrder.nativeOrder()).getInt(UID_OFFSET)));
    }
    return OptionalLong.empty();
  }

  @Override
  public Optional<Account> account(long uid) {
    String name;
    long gid;
    String home;
    String shell;
    synchronized (LibcAccountNames.class) {
      Pointer entry = libc.getpwuid((int) uid);
      Optional<String> found = name(entry);
      if (found.isEmpty()) {
        return Optional.empty();
      }
      name = found.get();
      gid = Integer.toUnsignedLong(entry.getInt(GID_OFFSET));
      home = string(entry.getPointer(DIR_OFFSET));
      shell = string(entry.getPointer(SHELL_OFFSET));
    }
    java.util.LinkedHashSet<String> groups = new java.util.LinkedHashSet<>();
    groups.add(group(gid).orElse(Long.toString(gid)));
    for (int size = 64; size <= MAX_GROUPS; size *= 4) {
      int[] ids = new int[size];
      IntByReference count = new IntByReference(size);
      int n = libc.getgrouplist(name, (int) gid, ids, count);
      if (n < 0) {
        continue; // too small: count holds the number needed
      }
      for (int i = 0; i < Math.min(n, size); i++) {
        long g = Integer.toUnsignedLong(ids[i]);
        groups.add(group(g).orElse(Long.toString(g)));
      }
      break;
    }
    return Optional.of(new Account(uid, name, gid, home, shell, java.util.List.copyOf(groups)));
  }

  private static String string(Pointer p) {
    return p == null ? "" : p.getString(0);
  }

  private static Optional<String> name(Pointer entry) {
    if (entry == null) {
      return Optional.empty();
    }
    Pointer name = entry.getPointer(0);
    return name == null ? Optional.empty() : Optional.of(name.getString(0));
  }
}
