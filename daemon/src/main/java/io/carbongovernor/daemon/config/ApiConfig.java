package io.carbongovernor.daemon.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The local API's two listeners, which serve the same endpoints: a loopback TCP address ({@code
 * host} without brackets: {@code 127.0.0.1}, {@code ::1} or {@code localhost}) and a Unix socket.
 */
public record ApiConfig(String host, int port, Path socket) {

  /** Where systemd's {@code RuntimeDirectory=carbon-governor} puts it. */
  public static final Path DEFAULT_SOCKET = Path.of("/run/carbon-governor/api.sock");

  /** {@code sun_path} holds 108 bytes on Linux, the terminating NUL included. */
  public static final int MAX_SOCKET_PATH_BYTES = 107;

  public ApiConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(socket, "socket");
  }

  /** The loopback listener with the default socket. */
  public ApiConfig(String host, int port) {
    this(host, port, DEFAULT_SOCKET);
  }

  /**
   * Checks that a socket path fits in {@code sun_path}.
   *
   * @throws IllegalArgumentException with the reason when it does not
   */
  public static Path checkSocketPath(Path socket) {
    int bytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new IllegalArgumentException(
          "the socket path "
              + socket
              + " is "
              + bytes
              + " bytes long; a Unix socket's path holds at most "
              + MAX_SOCKET_PATH_BYTES
              + " bytes, so choose a shorter one (such as "
              + DEFAULT_SOCKET
              + ")");
    }
    return socket;
  }
}
