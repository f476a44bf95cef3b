package io.carbongovernor.daemon.systemd;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.socklen_t;
import jnr.ffi.types.ssize_t;

/**
 * The few C library calls sd_notify needs. The JDK's Unix-domain channels are stream-only, and
 * linking libsystemd just for this is what its maintainers advise against: the datagram is the
 * stable interface.
 */
final class Libc {

  // Linux values (x86-64 and aarch64, where NVIDIA's drivers run).
  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int CLOCK_MONOTONIC = 1;

  /** The jnr-ffi view; public because jnr-ffi generates its implementation. */
  public interface Calls {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    @ssize_t
    long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address, @socklen_t int addressLength);

    int close(int fd);

    /** {@code struct timespec} is two longs on 64-bit Linux. */
    @SaveError
    int clock_gettime(int clock, @Out long[] timespec);

    String strerror(int errno);
  }

  private static volatile Libc loaded;

  final Calls calls;
  private final Runtime runtime;

  private Libc(Calls calls) {
    this.calls = calls;
    this.runtime = Runtime.getRuntime(calls);
  }

  /**
   * The C library, loaded once.
   *
   * @throws UnsatisfiedLinkError when it cannot be loaded
   */
  static Libc load() {
    Libc libc = loaded;
    if (libc == null) {
      synchronized (Libc.class) {
        libc = loaded;
        if (libc == null) {
          libc = new Libc(LibraryLoader.create(Calls.class).failImmediately().load("c"));
          loaded = libc;
        }
      }
    }
    return libc;
  }

  /** {@code CLOCK_MONOTONIC} in microseconds: what systemd compares {@code MONOTONIC_USEC} with. */
  long monotonicMicros() {
    long[] timespec = new long[2];
    if (calls.clock_gettime(CLOCK_MONOTONIC, timespec) != 0) {
      throw new IllegalStateException("clock_gettime: " + lastError());
    }
    return timespec[0] * 1_000_000L + timespec[1] / 1_000L;
  }

  /** The errno of the last failed call on this thread, as text. */
  String lastError() {
    int errno = runtime.getLastError();
    return calls.strerror(errno) + " (errno " + errno + ")";
  }
}
