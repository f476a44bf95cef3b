package io.carbongovernor.daemon.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbongovernor.gpu.AccountNames;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /proc and /etc parsing on copies laid out as the kernel and shadow-utils write them. */
class IdentityFilesTest {

  @TempDir Path root;

  private static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

  @Test
  void tcpPeerUidComesFromThePeersSocketLine() throws Exception {
    Path proc = Files.createDirectories(root.resolve("proc/net"));
    // Listener 127.0.0.1:9464 (0x24F8); a client from 127.0.0.1:40000 (0x9C40) owned by uid 1001,
    // and the server's own end of that connection owned by uid 0.
    Files.writeString(
        proc.resolve("tcp"),
        TCP_HEADER
            + "   0: 0100007F:24F8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0\n"
            + "   1: 0100007F:9C40 0100007F:24F8 01 00000000:00000000 00:00000000 00000000  1001        0 2 1 0\n"
            + "   2: 0100007F:24F8 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 3 1 0\n");
    ProcFs fs = ProcFs.under(root.resolve("proc"));
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464);
    assertThat(fs.tcpPeerUid(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000), server))
        .isEqualTo(OptionalLong.of(1001));
    assertThat(fs.tcpPeerUid(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40001), server))
        .isEmpty();
  }

  @Test
  void tcp6HoldsV6AndV4MappedConnections() throws Exception {
    Path proc = Files.createDirectories(root.resolve("proc/net"));
    Files.writeString(proc.resolve("tcp"), TCP_HEADER);
    Files.writeString(
        proc.resolve("tcp6"),
        TCP_HEADER
            // [::1]:50000 -> [::1]:9464, uid 1002
            + "   0: 00000000000000000000000001000000:C350 00000000000000000000000001000000:24F8 01 00000000:00000000 00:00000000 00000000  1002        0 4 1 0\n"
            // ::ffff:127.0.0.1:50001 -> ::ffff:127.0.0.1:9464, uid 1003
            + "   1: 0000000000000000FFFF00000100007F:C351 0000000000000000FFFF00000100007F:24F8 01 00000000:00000000 00:00000000 00000000  1003        0 5 1 0\n");
    ProcFs fs = ProcFs.under(root.resolve("proc"));
    InetAddress v6 = InetAddress.getByName("::1");
    assertThat(fs.tcpPeerUid(new InetSocketAddress(v6, 50000), new InetSocketAddress(v6, 9464)))
        .isEqualTo(OptionalLong.of(1002));
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    assertThat(fs.tcpPeerUid(new InetSocketAddress(v4, 50001), new InetSocketAddress(v4, 9464)))
        .isEqualTo(OptionalLong.of(1003));
  }

  /** A host with more sockets than the cap: the search stops there instead of growing. */
  @Test
  void aTableLongerThanTheCapIsNotSearchedToItsEnd() throws Exception {
    Path proc = Files.createDirectories(root.resolve("proc/net"));
    StringBuilder tcp = new StringBuilder(TCP_HEADER);
    String other = "   0: 0100007F:1F90 0100007F:9C41 01 00000000:00000000 00:00000000 00000000  1005        0 7 1 0\n";
    tcp.append(other.repeat(ProcFs.MAX_SOCKET_LINES));
    tcp.append("   1: 0100007F:9C40 0100007F:24F8 01 00000000:00000000 00:00000000 00000000  1001        0 2 1 0\n");
    Files.writeString(proc.resolve("tcp"), tcp);
    ProcFs fs = ProcFs.under(root.resolve("proc"));
    InetSocketAddress server = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9464);
    assertThatThrownBy(() -> fs.tcpPeerUid(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 40000), server))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("more than " + ProcFs.MAX_SOCKET_LINES + " sockets; connect over the Unix socket");
  }

  @Test
  void accountNamesMapBackToUids() throws Exception {
    Path passwd = root.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/bash\nalice:x:1001:1001::/home/alice:/bin/sh\n");
    AccountNames files = AccountNames.files(passwd, root.resolve("group"));
    assertThat(files.uid("alice")).isEqualTo(OptionalLong.of(1001));
    assertThat(files.uid("bob")).isEmpty();
    // The C library's view of this machine's accounts (Debian: nobody is 65534).
    assertThat(AccountNames.system().uid("root")).isEqualTo(OptionalLong.of(0));
    assertThat(AccountNames.system().uid("nobody")).isEqualTo(OptionalLong.of(65534));
    assertThat(AccountNames.system().uid("no-such-account-here")).isEmpty();
  }

  /** The JDK names a peer without an account by its number. */
  @Test
  void aPeerIsNamedByAccountOrByNumber() throws Exception {
    Path passwd = root.resolve("passwd");
    Files.writeString(passwd, "alice:x:1001:1001::/home/alice:/bin/sh\n");
    PeerCredentials peers = new PeerCredentials(AccountNames.files(passwd, root.resolve("group")));
    assertThat(peers.uidOf("alice")).isEqualTo(1001);
    assertThat(peers.uidOf("4242")).isEqualTo(4242);
    assertThatThrownBy(() -> peers.uidOf("mallory"))
        .isInstanceOf(IdentityException.class)
        .hasMessageContaining("'mallory' is not in the account database");
  }

  @Test
  void aProcessIsAliveWhileItsFolderExists() throws Exception {
    Files.createDirectories(root.resolve("proc/4242"));
    ProcFs fs = ProcFs.under(root.resolve("proc"));
    assertThat(fs.alive(4242)).isTrue();
    assertThat(fs.alive(4243)).isFalse();
    assertThat(fs.alive(0)).isFalse();
  }
}
