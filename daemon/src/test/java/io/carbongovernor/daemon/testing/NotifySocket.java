package io.carbongovernor.daemon.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.socklen_t;
import jnr.ffi.types.ssize_t;

/**
 * What systemd's side of sd_notify looks like: a Unix datagram socket bound at a path or an
 * abstract name, read one datagram at a time. Tests point {@code NOTIFY_SOCKET} at it.
 */
public final class NotifySocket implements AutoCloseable {

  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;

  /** Public because jnr-ffi generates its implementation. */
  public interface Calls {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int bind(int fd, @In byte[] address, @socklen_t int length);

    @SaveError
    int setsockopt(int fd, int level, int name, @In long[] value, @socklen_t int length);

    @SaveError
    @ssize_t
    long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

    int close(int fd);

    String strerror(int errno);
  }

  private static final Calls LIBC = LibraryLoader.create(Calls.class).failImmediately().load("c");

  private final int fd;
  private final String address;
  private final List<String> received = new ArrayList<>();

  private NotifySocket(int fd, String address) {
    this.fd = fd;
    this.address = address;
  }

  /** A socket bound at {@code path}. */
  public static NotifySocket bind(Path path) {
    return bind(path.toString(), path.toString().getBytes(StandardCharsets.UTF_8), true);
  }

  /** A socket bound at {@code name} in the abstract namespace; its address is {@code @name}. */
  public static NotifySocket bindAbstract(String name) {
    byte[] bytes = ("\0" + name).getBytes(StandardCharsets.UTF_8);
    return bind("@" + name, bytes, false);
  }

  private static NotifySocket bind(String address, byte[] path, boolean terminate) {
    int fd = LIBC.socket(AF_UNIX, SOCK_DGRAM, 0);
    check(fd, "socket");
    ByteBuffer sockaddr = ByteBuffer.allocate(2 + path.length + (terminate ? 1 : 0)).order(ByteOrder.nativeOrder());
    sockaddr.putShort((short) AF_UNIX).put(path);
    check(LIBC.bind(fd, sockaddr.array(), sockaddr.capacity()), "bind " + address);
    // Each receive waits at most this long, so a test's deadline is checked in between.
    check(LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {0, 200_000}, 16), "setsockopt");
    return new NotifySocket(fd, address);
  }

  private static void check(long result, String call) {
    if (result < 0) {
      int errno = Runtime.getRuntime(LIBC).getLastError();
      throw new IllegalStateException(call + ": " + LIBC.strerror(errno));
    }
  }

  /** The value for {@code NOTIFY_SOCKET}. */
  public String address() {
    return address;
  }

  /** One datagram, if one arrives within about 200 ms. */
  public Optional<String> receive() {
    byte[] buffer = new byte[4096];
    long n = LIBC.recv(fd, buffer, buffer.length, 0);
    if (n < 0) {
      return Optional.empty(); // EAGAIN after the receive timeout
    }
    String message = new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
    synchronized (received) {
      received.add(message);
    }
    return Optional.of(message);
  }

  /**
   * Reads datagrams until one matches.
   *
   * @return the match
   * @throws AssertionError with every datagram received so far when none matches within {@code
   *     timeout}
   */
  public String await(Predicate<String> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<String> message = receive();
      if (message.isPresent() && match.test(message.get())) {
        return message.get();
      }
    }
    throw new AssertionError(
        "no matching notification within " + timeout.toSeconds() + "s; received: " + received());
  }

  /** A predicate: the datagram holds this assignment on a line of its own. */
  public static Predicate<String> hasLine(String line) {
    return message -> message.lines().anyMatch(line::equals);
  }

  /** Every datagram received so far, in order. */
  public List<String> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  @Override
  public void close() {
    LIBC.close(fd);
  }
}
