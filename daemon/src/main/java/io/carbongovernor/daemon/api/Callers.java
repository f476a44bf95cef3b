package io.carbongovernor.daemon.api;

import io.carbongovernor.daemon.identity.IdentityException;
import io.carbongovernor.daemon.identity.PeerCredentials;
import io.carbongovernor.daemon.identity.ProcFs;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.OptionalLong;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;

/**
 * Who calls, as the kernel says, never as the request says: on the Unix socket the peer's
 * credentials ({@code SO_PEERCRED}); on loopback TCP the owner of the peer's socket in {@code
 * /proc/net/tcp[6]}.
 */
final class Callers {

  private final ProcFs proc;
  private final PeerCredentials peers;

  Callers(ProcFs proc, PeerCredentials peers) {
    this.proc = proc;
    this.peers = peers;
  }

  /**
   * The caller's uid.
   *
   * @throws ApiException (403) when the kernel's answer cannot be had
   */
  long uid(ConnectionMetaData connection) {
    try {
      EndPoint endPoint = connection.getConnection().getEndPoint();
      if (connection.getRemoteSocketAddress() instanceof UnixDomainSocketAddress
          && endPoint.getTransport() instanceof SocketChannel channel) {
        return peers.uid(channel);
      }
      if (connection.getRemoteSocketAddress() instanceof InetSocketAddress remote
          && connection.getLocalSocketAddress() instanceof InetSocketAddress local) {
        OptionalLong uid = proc.tcpPeerUid(remote, local);
        if (uid.isPresent()) {
          return uid.getAsLong();
        }
      }
    } catch (IdentityException e) {
      throw new ApiException(403, "cannot identify the caller: " + e.getMessage());
    }
    throw new ApiException(
        403, "cannot identify the caller: connect over the Unix socket or loopback TCP from this host");
  }
}
