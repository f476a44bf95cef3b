package io.carbongovernor.daemon.identity;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * What the kernel says about processes and the API's callers, read from {@code /proc} (or a
 * test's copy). Identities come from here, never from a request body. (Who owns a GPU process is
 * gpu-control's {@code ProcessOwners}.)
 */
public final class ProcFs {

  private final Path root;

  private ProcFs(Path root) {
    this.root = root;
  }

  public static ProcFs system() {
    return new ProcFs(Path.of("/proc"));
  }

  /** A {@code /proc}-shaped folder, for tests. */
  public static ProcFs under(Path root) {
    return new ProcFs(root);
  }

  /** Whether a process with this pid exists. */
  public boolean alive(long pid) {
    return pid > 0 && Files.isDirectory(root.resolve(Long.toString(pid)));
  }

  /**
   * The uid that owns the peer's end of a TCP connection to this process: the socket whose local
   * address is the peer's and whose remote address is ours, in {@code net/tcp} or {@code net/tcp6}.
   */
  public OptionalLong tcpPeerUid(InetSocketAddress peer, InetSocketAddress local) {
    String peerKey = procAddress(peer);
    String localKey = procAddress(local);
    for (String table : List.of("net/tcp", "net/tcp6")) {
      OptionalLong uid = find(root.resolve(table), peerKey, localKey);
      if (uid.isPresent()) {
        return uid;
      }
      // A v4 client of a dual-stack listener appears in tcp6 with a v4-mapped address.
      if (peer.getAddress() instanceof Inet4Address) {
        uid = find(root.resolve(table), mapped(peer), mapped(local));
        if (uid.isPresent()) {
          return uid;
        }
      }
    }
    return OptionalLong.empty();
  }

  private static OptionalLong find(Path table, String localKey, String remoteKey) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new IdentityException("cannot read " + table + ": " + e.getMessage(), e);
    }
    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 7 && f[1].equalsIgnoreCase(localKey) && f[2].equalsIgnoreCase(remoteKey)) {
        return OptionalLong.of(Long.parseLong(f[7]));
      }
    }
    return OptionalLong.empty();
  }

  /** The kernel's text form: address words in host (little-endian) order, port big-endian. */
  static String procAddress(InetSocketAddress address) {
    return hexAddress(address.getAddress()) + ":" + String.format(Locale.ROOT, "%04X", address.getPort());
  }

  private static String mapped(InetSocketAddress v4) {
    byte[] b = v4.getAddress().getAddress();
    byte[] m = new byte[16];
    m[10] = (byte) 0xff;
    m[11] = (byte) 0xff;
    System.arraycopy(b, 0, m, 12, 4);
    return wordsLittleEndian(m) + ":" + String.format(Locale.ROOT, "%04X", v4.getPort());
  }

  private static String hexAddress(InetAddress address) {
    if (address instanceof Inet4Address || address instanceof Inet6Address) {
      return wordsLittleEndian(address.getAddress());
    }
    throw new IllegalArgumentException("not an IP address: " + address);
  }

  private static String wordsLittleEndian(byte[] bytes) {
    byte[] out = new byte[bytes.length];
    for (int word = 0; word < bytes.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        out[word + i] = bytes[word + 3 - i];
      }
    }
    return HexFormat.of().withUpperCase().formatHex(out);
  }
}
