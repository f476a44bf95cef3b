package io.carbongovernor.daemon.api;

import io.carbongovernor.common.Pem;
import io.carbongovernor.daemon.config.Secret;
import io.carbongovernor.daemon.config.SiteApiConfig;
import io.carbongovernor.daemon.control.TickReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The site API: {@code GET /v1/carbon} alone, read-only, on a site address, for the other
 * daemons of a site to read the signal this one decided on ({@code type: governor}). It shares
 * nothing with the local API but its limits ({@link ApiServer}: connections cost no thread, at
 * most {@value ApiServer#MAX_CONNECTIONS} of them, stalled ones closed after {@value
 * ApiServer#IDLE_TIMEOUT_S} s or {@value ApiServer#IDLE_TIMEOUT_AT_CAP_S} s at the cap, headers
 * at most {@value ApiServer#MAX_HEADER_BYTES} bytes, {@value ApiServer#MAX_CONCURRENT} requests
 * at once); no job, status or metric is reachable here, and bodies are never read.
 *
 * <p>TLS comes from the JDK: the PEM certificate and PKCS#8 key go into a key store that exists
 * in memory alone. The bearer token, when configured, is checked before anything else.
 */
public final class SiteApiServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger("api");

  private final Server server;
  private final ServerConnector connector;

  private SiteApiServer(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /** What the site API reads from the running daemon. */
  public record Daemon(String zone, Supplier<Optional<TickReport>> lastTick) {}

  /**
   * Binds the listener and starts serving.
   *
   * @throws IOException when the listener cannot be bound, or the TLS files cannot be loaded (the
   *     message names which, never what a key holds)
   */
  public static SiteApiServer start(SiteApiConfig config, Daemon daemon) throws IOException {
    if (config.tokenGiven() && config.token().isEmpty()) {
      throw new IOException("the site API's token was not loaded; it would serve without one");
    }
    Server server = ApiServer.server("site-api");
    HttpConnectionFactory http = ApiServer.http();
    // Jetty reuses a header a connection sent before when a new one matches it but for case: a
    // token that differs from the right one in case alone would pass as the right one.
    http.getHttpConfiguration().setHeaderCacheCaseSensitive(true);
    ServerConnector connector =
        config.tls().isPresent()
            ? new ServerConnector(
                server, 1, 1, new SslConnectionFactory(tls(config.tls().get()), HttpVersion.HTTP_1_1.asString()), http)
            : new ServerConnector(server, 1, 1, http);
    connector.setHost(config.host().isEmpty() ? null : config.host());
    connector.setPort(config.port());
    connector.setReuseAddress(true);
    connector.setAcceptQueueSize(ApiServer.ACCEPT_QUEUE);
    ApiServer.limit(connector);
    server.addConnector(connector);
    Optional<BearerToken> token = config.token().map(Secret::reveal).map(BearerToken::new);
    server.setHandler(new SiteHandler(token, ApiServer.qos(new SiteCarbon(daemon.zone(), daemon.lastTick()))));
    try {
      server.start();
    } catch (Exception e) {
      ApiServer.stopQuietly(server);
      throw new IOException(
          "cannot listen for the site API on " + config.host() + ":" + config.port() + ": " + ApiServer.reason(e), e);
    }
    SiteApiServer site = new SiteApiServer(server, connector);
    log.atInfo()
        .addKeyValue("listen", site.address())
        .addKeyValue("tls", config.tls().isPresent())
        .addKeyValue("token", token.isPresent())
        .log("site API listening");
    return site;
  }

  /** The JDK's TLS with the configured certificate and key, held in memory alone. */
  private static SslContextFactory.Server tls(SiteApiConfig.Tls files) throws IOException {
    char[] password = Base64.getEncoder().encodeToString(random()).toCharArray();
    try {
      KeyStore store = Pem.keyStore(Pem.privateKey(files.keyFile()), Pem.certificates(files.certFile()), password);
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      SslContextFactory.Server factory = new SslContextFactory.Server();
      factory.setSslContext(context);
      return factory;
    } catch (IllegalArgumentException e) {
      throw new IOException("site API TLS: " + e.getMessage() + " in " + files.certFile(), e);
    } catch (GeneralSecurityException e) {
      throw new IOException("site API TLS: cannot set up the key of " + files.certFile() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new IOException("site API TLS: " + e.getMessage(), e);
    }
  }

  private static byte[] random() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /** The bound address (useful with port 0 in tests). */
  public InetSocketAddress address() {
    try {
      return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
    } catch (IOException e) {
      return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
    }
  }

  @Override
  public void close() {
    ApiServer.stopQuietly(server);
  }
}
