package io.carbongovernor.daemon.api;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.NetworkConnectionLimit;

/**
 * While a listener is at its connection cap, every connection it holds gets the short idle
 * timeout, also those opened after the cap was reached (Jetty's limit shortens only the ones
 * open at that moment), so that stalled callers make room within seconds.
 */
final class ShortIdleAtCap implements Connection.Listener {

  private final NetworkConnectionLimit limit;
  private final long idleTimeoutMs;

  ShortIdleAtCap(NetworkConnectionLimit limit, long idleTimeoutMs) {
    this.limit = limit;
    this.idleTimeoutMs = idleTimeoutMs;
  }

  @Override
  public void onOpened(Connection connection) {
    if (limit.getNetworkConnectionCount() >= limit.getMaxNetworkConnectionCount()) {
      connection.getEndPoint().setIdleTimeout(idleTimeoutMs);
    }
  }
}
