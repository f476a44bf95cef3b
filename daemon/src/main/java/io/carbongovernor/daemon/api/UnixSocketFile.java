package io.carbongovernor.daemon.api;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's socket file. Before the listener binds: its directory exists (made 0755 where
 * missing) and only root or the daemon's user can change it, and a socket left by a daemon that
 * was killed is removed; a live one, or a file that is not a socket, stops the start instead.
 * Once bound the socket is opened to every local user (0666): who calls is the kernel's answer,
 * not the file's mode.
 */
final class UnixSocketFile {

  private static final Logger log = LoggerFactory.getLogger("api");
  private static final int SOCKET_TYPE = 0140000;
  private static final int TYPE_MASK = 0170000;
  private static final int WRITABLE_BY_GROUP_OR_OTHERS = 0022;
  private static final int STICKY = 01000;

  private UnixSocketFile() {}

  /**
   * Readies the path for binding.
   *
   * @throws IOException with the reason when the socket cannot be placed there
   */
  static void prepare(Path socket) throws IOException {
    Path dir = socket.toAbsolutePath().getParent();
    createDirectories(dir);
    checkOnlyWeCanChange(dir);
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    if ((mode & TYPE_MASK) != SOCKET_TYPE) {
      throw new IOException(socket + " exists and is not a socket; remove it or set another api.socket");
    }
    if (listening(socket)) {
      throw new IOException("another process listens on " + socket + " (is a daemon running already?)");
    }
    Files.delete(socket);
    log.atInfo().addKeyValue("socket", socket).log("removed the socket a stopped daemon left");
  }

  /** Lets every local user connect. */
  static void openToAll(Path socket) throws IOException {
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  static void remove(Path socket) {
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      log.atWarn().addKeyValue("socket", socket).addKeyValue("cause", e.getMessage()).log("cannot remove the API socket");
    }
  }

  private static boolean listening(Path socket) throws IOException {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(socket));
      return true;
    } catch (ConnectException e) {
      return false; // refused: nobody accepts on it any more
    }
  }

  private static void createDirectories(Path dir) throws IOException {
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path p = missing.pop();
      Files.createDirectory(p);
      // Set after creation: the daemon's umask (0077 under systemd) would leave it 0700.
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  /**
   * Whoever could write the directory could swap the socket for a link between the bind and the
   * chmod, and have the daemon open some other file to everyone. (In a sticky directory such as
   * /tmp only the owner may remove or rename what is there.)
   */
  private static void checkOnlyWeCanChange(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new IOException(dir + " is not a directory");
    }
    int mode = (Integer) Files.getAttribute(dir, "unix:mode");
    int owner = (Integer) Files.getAttribute(dir, "unix:uid");
    long self = new UnixSystem().getUid();
    boolean othersMayRename = (mode & WRITABLE_BY_GROUP_OR_OTHERS) != 0 && (mode & STICKY) == 0;
    if (othersMayRename || (owner != 0 && owner != self)) {
      throw new IOException(
          "the socket's directory "
              + dir
              + " can be changed by other users (owner uid "
              + owner
              + ", mode "
              + Integer.toOctalString(mode & 07777)
              + "); use a directory only root or the daemon's user can write, such as /run/carbon-governor");
    }
  }
}
