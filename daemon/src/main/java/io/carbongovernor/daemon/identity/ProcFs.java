package io.carbongovernor.daemon.identity;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
   * address is the peer's and whose remote address is ours, in {@code net/tcp} or {@code net/tcp6}
   * (where a v4 client of a dual-stack listener appears with v4-mapped addresses).
   *
   * <p>The tables list every TCP socket of the network namespace, so they are read a line at a
   * time, up to the match, and never past {@link #MAX_SOCKET_LINES} lines each: a host with more
   * sockets than that gets an {@link IdentityException} (callers should use the Unix socket,
   * whose peer the kernel names at once) rather than a read that grows with every connection.
   *
   * @throws IdentityException when a table cannot be read or is too long to search
   */
  public OptionalLong tcpPeerUid(InetSocketAddress peer, InetSocketAddress local) {
    List<String[]> keys = new ArrayList<>();
    keys.add(new String[] {procAddress(peer), procAddress(local)});
    if (peer.getAddress() instanceof Inet4Address && local.getAddress() instanceof Inet4Address) {
      keys.add(new String[] {mapped(peer), mapped(local)});
    }
    for (String table : List.of("net/tcp", "net/tcp6")) {
      OptionalLong uid = find(root.resolve(table), keys);
      if (uid.isPresent()) {
        return uid;
      }
    }
    return OptionalLong.empty();
  }

  /** How many sockets one table may list before a TCP caller cannot be identified. */
  static final int MAX_SOCKET_LINES = 65_536;

  private static OptionalLong find(Path table, List<String[]> keys) {
    // Columns: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
    try (BufferedReader in = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
      in.readLine(); // the header
      int lines = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (++lines > MAX_SOCKET_LINES) {
          throw new IdentityException(
              table + " lists more than " + MAX_SOCKET_LINES + " sockets; connect over the Unix socket");
        }
        String[] f = line.trim().split("\\s+", 9);
        for (String[] key : keys) {
          if (f.length > 7 && f[1].equalsIgnoreCase(key[0]) && f[2].equalsIgnoreCase(key[1])) {
            return OptionalLong.of(Long.parseLong(f[7]));
          }
        }
      }
      return OptionalLong.empty();
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new IdentityException("cannot read " + table + ": " + e.getMessage(), e);
    }
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
